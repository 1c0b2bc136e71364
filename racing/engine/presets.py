"""Starting rules (templates) for a new class. The organizer edits them; nothing here is binding.

A tier may have more than one template: karting has a youth one (an age band by calendar year) and
an adult one, named so that nobody picks a youth class by picking "karting". Issuer and grade codes
are those of the starting data (migration 0003). Pure data, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from racing.engine.eligibility import AgeBand, ClassRules, LicenceRequirement


def gettext_noop(message: str) -> str:
    """Marks a label for extraction by ``makemessages``; translated where it is shown."""
    return message


@dataclass(frozen=True)
class Preset:
    tier: str
    discipline: str
    rules: ClassRules
    # English; the pages translate it.
    label: str


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
        label=gettext_noop("National"),
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
        label=gettext_noop("Local heritage"),
    ),
    # Youth karting, by the year of the birthday, homologated equipment and a minimum weight.
    "karting_youth": Preset(
        tier="karting",
        discipline="karting",
        rules=ClassRules(
            licences=(LicenceRequirement("CAMF", "karting"),),
            temporary_licence_allowed=True,
            age=AgeBand(min_age=12, max_age=14, by_calendar_year=True),
            min_driver_weight_kg=Decimal("40"),
            homologation_required=True,
        ),
        label=gettext_noop("Youth karting (12–14)"),
    ),
    # Adult karting, rental or own kart: a karting licence (temporary ones too) and an age of 18;
    # no equipment rules, since a rental kart is the track's.
    "karting_adult": Preset(
        tier="karting",
        discipline="karting",
        rules=ClassRules(
            licences=(LicenceRequirement("CAMF", "karting"),),
            temporary_licence_allowed=True,
            age=AgeBand(min_age=18),
        ),
        label=gettext_noop("Adult karting (18+)"),
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
        label=gettext_noop("NEV / smart car"),
    ),
}


def preset_for(key: str) -> Preset | None:
    """The template named `key`; a tier's name finds its template only when it has just one."""
    if key in PRESETS:
        return PRESETS[key]
    of_tier = [preset for preset in PRESETS.values() if preset.tier == key]
    return of_tier[0] if len(of_tier) == 1 else None


def tier_discipline(tier: str) -> str:
    """The discipline a tier's templates share (both karting templates are karting)."""
    return next(preset.discipline for preset in PRESETS.values() if preset.tier == tier)
