"""Starting rules for a new class in each tier. The organizer edits them; nothing here is binding.

Issuer and grade codes are those of the starting data (migration 0003). Pure data, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from racing.engine.eligibility import AgeBand, ClassRules, LicenceRequirement


@dataclass(frozen=True)
class Preset:
    tier: str
    discipline: str
    rules: ClassRules


PRESETS: dict[str, Preset] = {
    # National championships: current-year federation licence, no temporary licences, medical.
    # Not a rookie class, so the on-the-spot rule refuses licences issued at an event's desk.
    "national": Preset(
        tier="national",
        discipline="circuit",
        rules=ClassRules(
            licences=(
                LicenceRequirement("CAMF", "circuit", "C"),
                LicenceRequirement("FIA", "circuit", "D"),
                LicenceRequirement("HKAA", "circuit", "NAT"),
                LicenceRequirement("AAM", "circuit", "NAT"),
                LicenceRequirement("CTMSA", "circuit", "C"),
            ),
            temporary_licence_allowed=False,
            on_the_spot_max_events=3,
            medical_required=True,
            age=AgeBand(min_age=18),
            road_licence_years=1,
        ),
    ),
    # Classic-car regularity rally: a recognised classic, a crew of two, road licence.
    "local_heritage": Preset(
        tier="local_heritage",
        discipline="regularity",
        rules=ClassRules(
            age=AgeBand(min_age=18),
            road_licence_years=1,
            vehicle_year_max=1995,
            classic_certificate_required=True,
            navigator_required=True,
        ),
    ),
    # Youth karting, by the year of the birthday, homologated equipment and a minimum weight.
    "karting": Preset(
        tier="karting",
        discipline="karting",
        rules=ClassRules(
            licences=(LicenceRequirement("CAMF", "karting"),),
            temporary_licence_allowed=True,
            age=AgeBand(min_age=12, max_age=14, by_calendar_year=True),
            min_driver_weight_kg=Decimal("40"),
            homologation_required=True,
        ),
    ),
    # NEV / smart-car gymkhana: electrified powertrains only, power and battery limits.
    "nev": Preset(
        tier="nev",
        discipline="autocross",
        rules=ClassRules(
            age=AgeBand(min_age=18),
            road_licence_years=1,
            powertrains=("bev", "phev", "fcev"),
            max_power_kw=Decimal("300"),
            battery_kwh_max=Decimal("120"),
        ),
    ),
}
