"""Eligibility engine: may this person start in this competition class on this date?

Pure Python, no Django import, so that it is fast to test exhaustively and can be called from
anywhere (registration in ``events``, the organizer's class page, a batch re-check).

Public API
==========
::

    from racing.engine.eligibility import check_eligibility, ClassRules, Driver, Licence, Vehicle

    failures = check_eligibility(rules, driver, licences, vehicle, event_date, grades=ladder)
    if not failures:
        ...  # eligible

- ``rules``: :class:`ClassRules`, the class's stored rules (``ClassRules.from_dict(json)``).
- ``driver``: :class:`Driver`, the person (birth date, weight, road-licence date).
- ``licences``: the person's :class:`Licence` list (any order; expired ones may be included).
- ``vehicle``: :class:`Vehicle` or ``None`` (a navigator has none).
- ``event_date``: the ``datetime.date`` of the event (its local date, not UTC).
- ``grades``: :class:`GradeLadder`, each issuer's grades from lowest to highest; grades are only
  ever compared within one issuer.
- ``role``: ``Role.DRIVER`` (default) or ``Role.NAVIGATOR``. A navigator is only checked against
  the licence rules, and only when the class says navigators need a licence.

It returns **every** reason that fails, as :class:`Failure` objects, empty when eligible.

From Django code, do not build these dataclasses by hand: ``racing.services.eligibility``
has ``check_driver_for_class(competition_class=..., profile=..., vehicle=..., event_date=...)``
which loads the models, builds the inputs and calls this function, and ``describe(failure)``
which turns a failure into a sentence in the active language.

Why failures are codes, not text
================================
A failure is a stable ``code`` (``"licence.expired"``) plus ``params`` (plain strings and
numbers). Callers can test and store the code; the sentence is produced at the edge, in the
language of whoever reads it (a driver in Chinese, a log in English). The English message
templates live here in :data:`MESSAGES`, wrapped in a local ``gettext_noop`` that returns its
argument unchanged: Django's ``makemessages`` extracts that keyword, so the templates are
translated in ``racing/locale`` without this module importing Django.

Licences issued on the spot, rookie classes, team licences
=========================================================
A competition licence may have been issued on the spot (at the event, by the organizer's or the
federation's desk). When a class sets ``on_the_spot_max_events`` (N), such a licence only counts
in a class marked ``rookie_class``, and only while the holder has started fewer than N events:
``Driver.events_started`` is the number of *distinct earlier events* (before the event date) in
which the person has a confirmed entry as driver, counted across all organizers and whatever
licence they held then. Counting events rather than uses of one licence is simpler (entries do not
record which licence was shown) and fairer to the rule's purpose: after N events the person is no
longer a newcomer, however many desks issued them a licence. The caller computes the number; the
engine only compares it. Without ``on_the_spot_max_events`` an on-the-spot licence is a licence
like any other. The rule only matters where the class lists accepted licences.

A team licence (``Licence.kind == "team"``) is held by the entrant, not the person: the driver
records the team's licence on their profile. It never satisfies the class's competition licence
list, and a class with ``team_licence_required`` needs one valid on the event date, from any
issuer.

Ages
====
With ``AgeBand.by_calendar_year`` the age is the one reached during the event's calendar year
(``event_date.year - birth_date.year``), as karting youth categories are defined ("from the year
of the 12th birthday to the year of the 14th"). Otherwise the age is in completed years on the
event date; someone born on 29 February has their birthday on 1 March in common years.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any


def gettext_noop(message: str) -> str:
    """Marks a string for extraction by ``makemessages``; translated later, at the edge."""
    return message


DISCIPLINES: tuple[str, ...] = (
    "circuit",
    "rally",
    "off_road",
    "drift",
    "karting",
    "hillclimb",
    "autocross",
    "regularity",
    "drag",
)
POWERTRAINS: tuple[str, ...] = ("ice", "bev", "phev", "hev", "fcev")
TIERS: tuple[str, ...] = ("national", "local_heritage", "karting", "nev")


class LicenceKind(enum.StrEnum):
    COMPETITION = "competition"
    TEAM = "team"


class Role(enum.StrEnum):
    DRIVER = "driver"
    NAVIGATOR = "navigator"


class RulesError(ValueError):
    """Stored rules that do not validate; ``field`` names the offending key."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LicenceRequirement:
    """One accepted licence: from ``issuer`` (code), for ``discipline``, at least ``min_grade``."""

    issuer: str
    discipline: str
    min_grade: str | None = None


@dataclass(frozen=True)
class AgeBand:
    min_age: int | None = None
    max_age: int | None = None
    by_calendar_year: bool = False


@dataclass(frozen=True)
class ClassRules:
    """A competition class's eligibility rules. ``None`` or empty means "no constraint"."""

    # Any one of these licences is enough; empty means no licence is needed.
    licences: tuple[LicenceRequirement, ...] = ()
    temporary_licence_allowed: bool = True
    medical_required: bool = False
    age: AgeBand | None = None
    min_driver_weight_kg: Decimal | None = None
    road_licence_years: int | None = None
    powertrains: tuple[str, ...] = ()
    vehicle_year_min: int | None = None
    vehicle_year_max: int | None = None
    max_power_kw: Decimal | None = None
    max_displacement_cc: int | None = None
    battery_kwh_min: Decimal | None = None
    battery_kwh_max: Decimal | None = None
    homologation_required: bool = False
    classic_certificate_required: bool = False
    navigator_required: bool = False
    navigator_needs_licence: bool = False
    # A class for newcomers; with `on_the_spot_max_events`, the only kind that accepts licences
    # issued on the spot.
    rookie_class: bool = False
    # N: licences issued on the spot count only in rookie classes, for the holder's first N events.
    on_the_spot_max_events: int | None = None
    team_licence_required: bool = False

    @property
    def needs_vehicle(self) -> bool:
        return bool(
            self.powertrains
            or self.vehicle_year_min is not None
            or self.vehicle_year_max is not None
            or self.max_power_kw is not None
            or self.max_displacement_cc is not None
            or self.battery_kwh_min is not None
            or self.battery_kwh_max is not None
            or self.homologation_required
            or self.classic_certificate_required
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ClassRules:
        """Validate stored JSON strictly: unknown keys, wrong types and contradictions raise."""
        return _parse_rules(data or {})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; omits defaults so stored rules stay short and readable."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            default = f.default
            if value == default:
                continue
            if f.name == "licences":
                out[f.name] = [
                    {k: v for k, v in dataclasses.asdict(r).items() if v is not None} for r in value
                ]
            elif f.name == "age":
                # `is`, not `in (None, False)`: an age of 0 equals False and must be kept.
                out[f.name] = {
                    k: v
                    for k, v in dataclasses.asdict(value).items()
                    if v is not None and v is not False
                }
            elif isinstance(value, Decimal):
                out[f.name] = str(value)
            elif isinstance(value, tuple):
                out[f.name] = list(value)
            else:
                out[f.name] = value
        return out


@dataclass(frozen=True)
class Driver:
    birth_date: date | None
    weight_kg: Decimal | None = None
    road_licence_since: date | None = None
    # Distinct earlier events in which the person has a confirmed entry as driver.
    events_started: int = 0


@dataclass(frozen=True)
class Licence:
    issuer: str
    discipline: str
    grade: str | None
    number: str
    valid_from: date
    valid_to: date
    medical_valid_to: date | None = None
    temporary: bool = False
    on_the_spot: bool = False
    kind: str = LicenceKind.COMPETITION


@dataclass(frozen=True)
class Vehicle:
    powertrain: str
    year: int
    power_kw: Decimal | None = None
    displacement_cc: int | None = None
    battery_kwh: Decimal | None = None
    chassis_homologation: str = ""
    engine_homologation: str = ""
    classic_certificate: str = ""


@dataclass(frozen=True)
class GradeLadder:
    """Each issuer's grade codes from lowest to highest."""

    by_issuer: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def rank(self, issuer: str, grade: str | None) -> int | None:
        ladder = self.by_issuer.get(issuer, ())
        if grade is None or grade not in ladder:
            return None
        return list(ladder).index(grade)


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

MESSAGES: dict[str, str] = {
    "licence.missing": gettext_noop("A competition licence is required: %(accepted)s."),
    "licence.not_yet_valid": gettext_noop("Licence %(number)s is only valid from %(valid_from)s."),
    # "Expires before the event", not "expired": a licence valid until 31 December is current
    # when a driver enters a January event.
    "licence.expired": gettext_noop(
        "Licence %(number)s expires before the event: it is valid until %(valid_to)s and the "
        "event is on %(event_date)s."
    ),
    "licence.temporary_not_allowed": gettext_noop(
        "Licence %(number)s is temporary, and this class does not accept temporary licences."
    ),
    "licence.grade_too_low": gettext_noop(
        "Licence %(number)s has %(issuer)s grade %(grade)s; this class needs at least "
        "%(min_grade)s."
    ),
    "licence.grade_unknown": gettext_noop(
        "Licence %(number)s has a grade (%(grade)s) that %(issuer)s does not list."
    ),
    "licence.medical_missing": gettext_noop(
        "Licence %(number)s has no medical validity, and this class requires one."
    ),
    "licence.medical_expired": gettext_noop(
        "The medical of licence %(number)s runs out before the event: it is valid until "
        "%(medical_valid_to)s and the event is on %(event_date)s."
    ),
    "licence.on_the_spot_rookie_only": gettext_noop(
        "Licence %(number)s was issued on the spot: it allows rookie classes only."
    ),
    "licence.on_the_spot_events_used": gettext_noop(
        "Licence %(number)s was issued on the spot: it allows only your first %(max_events)s "
        "event(s); you have started %(started)s."
    ),
    "team_licence.missing": gettext_noop(
        "This class requires a team licence: add your team's licence to your profile."
    ),
    "team_licence.not_yet_valid": gettext_noop(
        "Team licence %(number)s is only valid from %(valid_from)s."
    ),
    "team_licence.expired": gettext_noop(
        "Team licence %(number)s expires before the event: it is valid until %(valid_to)s and "
        "the event is on %(event_date)s."
    ),
    "driver.birth_date_missing": gettext_noop(
        "Your date of birth is missing from your profile; this class has an age limit."
    ),
    "age.too_young": gettext_noop(
        "You must be at least %(min_age)s years old on the event date; you will be %(age)s."
    ),
    "age.too_old": gettext_noop(
        "You must be at most %(max_age)s years old on the event date; you will be %(age)s."
    ),
    "age.too_young_in_year": gettext_noop(
        "This class is for drivers who turn %(min_age)s or older during %(year)s; you turn %(age)s."
    ),
    "age.too_old_in_year": gettext_noop(
        "This class is for drivers who turn %(max_age)s or younger during %(year)s; you turn "
        "%(age)s."
    ),
    "weight.missing": gettext_noop(
        "Your weight is missing from your profile; this class has a minimum driver weight."
    ),
    "weight.too_light": gettext_noop(
        "The minimum driver weight is %(min_weight)s kg; your profile says %(weight)s kg."
    ),
    "road_licence.missing": gettext_noop(
        "A road driving licence held for at least %(years)s year(s) is required."
    ),
    "road_licence.too_recent": gettext_noop(
        "A road driving licence held for at least %(years)s year(s) is required; yours dates "
        "from %(since)s."
    ),
    "vehicle.missing": gettext_noop("This class has vehicle rules: choose a vehicle."),
    "vehicle.powertrain_not_allowed": gettext_noop(
        "The vehicle's powertrain (%(powertrain)s) is not allowed; allowed: %(allowed)s."
    ),
    "vehicle.too_old": gettext_noop(
        "The vehicle was built in %(year)s; this class needs %(min_year)s or later."
    ),
    "vehicle.too_new": gettext_noop(
        "The vehicle was built in %(year)s; this class needs %(max_year)s or earlier."
    ),
    "vehicle.power_missing": gettext_noop(
        "The vehicle's power is missing; this class has a power limit."
    ),
    "vehicle.power_too_high": gettext_noop(
        "The vehicle's power is %(power_kw)s kW; the limit is %(max_power_kw)s kW."
    ),
    "vehicle.displacement_missing": gettext_noop(
        "The engine displacement is missing; this class has a displacement limit."
    ),
    "vehicle.displacement_too_large": gettext_noop(
        "The engine displacement is %(displacement_cc)s cc; the limit is %(max_displacement_cc)s "
        "cc."
    ),
    "vehicle.battery_missing": gettext_noop(
        "The battery capacity is missing; this class has battery limits."
    ),
    "vehicle.battery_too_small": gettext_noop(
        "The battery holds %(battery_kwh)s kWh; this class needs at least %(battery_kwh_min)s kWh."
    ),
    "vehicle.battery_too_large": gettext_noop(
        "The battery holds %(battery_kwh)s kWh; the limit is %(battery_kwh_max)s kWh."
    ),
    "vehicle.chassis_homologation_missing": gettext_noop(
        "The chassis homologation number is missing; this class requires homologated equipment."
    ),
    "vehicle.engine_homologation_missing": gettext_noop(
        "The engine homologation number is missing; this class requires homologated equipment."
    ),
    "vehicle.classic_certificate_missing": gettext_noop(
        "This class is for recognised classic vehicles: add the classic-vehicle certificate number."
    ),
}


@dataclass(frozen=True)
class Failure:
    """One failed rule: a stable ``code`` and the ``params`` its message needs."""

    code: str
    params: Mapping[str, str | int] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The English sentence; translate ``MESSAGES[code]`` first to show it in another language."""
        return MESSAGES[self.code] % dict(self.params)


# ---------------------------------------------------------------------------------------------
# The engine
# ---------------------------------------------------------------------------------------------


def check_eligibility(
    rules: ClassRules,
    driver: Driver,
    licences: Iterable[Licence],
    vehicle: Vehicle | None,
    event_date: date,
    *,
    grades: GradeLadder | None = None,
    role: Role = Role.DRIVER,
) -> list[Failure]:
    """Every reason why ``driver`` may not start in a class with ``rules`` on ``event_date``."""
    ladder = grades or GradeLadder()
    held = list(licences)
    if role is Role.NAVIGATOR:
        if not rules.navigator_needs_licence:
            return []
        return _licence_failures(rules, driver, held, event_date, ladder)
    return [
        *_licence_failures(rules, driver, held, event_date, ladder),
        *_team_licence_failures(rules, held, event_date),
        *_age_failures(rules, driver, event_date),
        *_weight_failures(rules, driver),
        *_road_licence_failures(rules, driver, event_date),
        *_vehicle_failures(rules, vehicle),
    ]


def age_on(birth_date: date, day: date) -> int:
    """Completed years on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_in_year(birth_date: date, year: int) -> int:
    """The age reached (the birthday) during calendar ``year``."""
    return year - birth_date.year


def years_held(since: date, day: date) -> int:
    return age_on(since, day)


def _licence_failures(
    rules: ClassRules,
    driver: Driver,
    licences: list[Licence],
    event_date: date,
    ladder: GradeLadder,
) -> list[Failure]:
    if not rules.licences:
        return []
    candidates = [
        (licence, requirement)
        for licence in licences
        if licence.kind == LicenceKind.COMPETITION
        for requirement in rules.licences
        if licence.issuer == requirement.issuer and licence.discipline == requirement.discipline
    ]
    if not candidates:
        accepted = ", ".join(f"{r.issuer} {r.discipline}" for r in rules.licences)
        return [Failure("licence.missing", {"accepted": accepted})]
    found: list[Failure] = []
    for licence, requirement in candidates:
        problems = [
            *_one_licence_failures(rules, licence, requirement, event_date, ladder),
            *_on_the_spot_failures(rules, driver, licence),
        ]
        if not problems:
            return []
        found.extend(p for p in problems if p not in found)
    return found


def _one_licence_failures(
    rules: ClassRules,
    licence: Licence,
    requirement: LicenceRequirement,
    event_date: date,
    ladder: GradeLadder,
) -> list[Failure]:
    number = licence.number
    out: list[Failure] = []
    if event_date < licence.valid_from:
        out.append(
            Failure(
                "licence.not_yet_valid",
                {"number": number, "valid_from": licence.valid_from.isoformat()},
            )
        )
    if event_date > licence.valid_to:
        out.append(
            Failure(
                "licence.expired",
                {
                    "number": number,
                    "valid_to": licence.valid_to.isoformat(),
                    "event_date": event_date.isoformat(),
                },
            )
        )
    if licence.temporary and not rules.temporary_licence_allowed:
        out.append(Failure("licence.temporary_not_allowed", {"number": number}))
    if requirement.min_grade is not None:
        have = ladder.rank(licence.issuer, licence.grade)
        need = ladder.rank(requirement.issuer, requirement.min_grade)
        grade_params = {
            "number": number,
            "issuer": licence.issuer,
            "grade": licence.grade or "-",
            "min_grade": requirement.min_grade,
        }
        if have is None:
            out.append(Failure("licence.grade_unknown", grade_params))
        elif need is None or have < need:
            # A minimum grade the ladder does not know can be met by no licence: refuse rather
            # than silently accept, so a renamed grade shows up as a failure, not a free pass.
            out.append(Failure("licence.grade_too_low", grade_params))
    if rules.medical_required:
        if licence.medical_valid_to is None:
            out.append(Failure("licence.medical_missing", {"number": number}))
        elif licence.medical_valid_to < event_date:
            out.append(
                Failure(
                    "licence.medical_expired",
                    {
                        "number": number,
                        "medical_valid_to": licence.medical_valid_to.isoformat(),
                        "event_date": event_date.isoformat(),
                    },
                )
            )
    return out


def _on_the_spot_failures(rules: ClassRules, driver: Driver, licence: Licence) -> list[Failure]:
    limit = rules.on_the_spot_max_events
    if not licence.on_the_spot or limit is None:
        return []
    if not rules.rookie_class:
        return [Failure("licence.on_the_spot_rookie_only", {"number": licence.number})]
    if driver.events_started >= limit:
        return [
            Failure(
                "licence.on_the_spot_events_used",
                {"number": licence.number, "max_events": limit, "started": driver.events_started},
            )
        ]
    return []


def _team_licence_failures(
    rules: ClassRules, licences: list[Licence], event_date: date
) -> list[Failure]:
    if not rules.team_licence_required:
        return []
    team = [licence for licence in licences if licence.kind == LicenceKind.TEAM]
    if not team:
        return [Failure("team_licence.missing")]
    found: list[Failure] = []
    for licence in team:
        if event_date < licence.valid_from:
            problem = Failure(
                "team_licence.not_yet_valid",
                {"number": licence.number, "valid_from": licence.valid_from.isoformat()},
            )
        elif event_date > licence.valid_to:
            problem = Failure(
                "team_licence.expired",
                {
                    "number": licence.number,
                    "valid_to": licence.valid_to.isoformat(),
                    "event_date": event_date.isoformat(),
                },
            )
        else:
            return []
        if problem not in found:
            found.append(problem)
    return found


def _age_failures(rules: ClassRules, driver: Driver, event_date: date) -> list[Failure]:
    band = rules.age
    if band is None or (band.min_age is None and band.max_age is None):
        return []
    if driver.birth_date is None:
        return [Failure("driver.birth_date_missing")]
    if band.by_calendar_year:
        age = age_in_year(driver.birth_date, event_date.year)
        suffix, extra = "_in_year", {"year": event_date.year}
    else:
        age = age_on(driver.birth_date, event_date)
        suffix, extra = "", {}
    if band.min_age is not None and age < band.min_age:
        return [Failure(f"age.too_young{suffix}", {"min_age": band.min_age, "age": age, **extra})]
    if band.max_age is not None and age > band.max_age:
        return [Failure(f"age.too_old{suffix}", {"max_age": band.max_age, "age": age, **extra})]
    return []


def _weight_failures(rules: ClassRules, driver: Driver) -> list[Failure]:
    minimum = rules.min_driver_weight_kg
    if minimum is None:
        return []
    if driver.weight_kg is None:
        return [Failure("weight.missing")]
    if driver.weight_kg < minimum:
        return [
            Failure(
                "weight.too_light", {"min_weight": str(minimum), "weight": str(driver.weight_kg)}
            )
        ]
    return []


def _road_licence_failures(rules: ClassRules, driver: Driver, event_date: date) -> list[Failure]:
    years = rules.road_licence_years
    if not years:
        return []
    if driver.road_licence_since is None:
        return [Failure("road_licence.missing", {"years": years})]
    if years_held(driver.road_licence_since, event_date) < years:
        return [
            Failure(
                "road_licence.too_recent",
                {"years": years, "since": driver.road_licence_since.isoformat()},
            )
        ]
    return []


def _vehicle_failures(rules: ClassRules, vehicle: Vehicle | None) -> list[Failure]:
    if not rules.needs_vehicle:
        return []
    if vehicle is None:
        return [Failure("vehicle.missing")]
    out: list[Failure] = []
    if rules.powertrains and vehicle.powertrain not in rules.powertrains:
        out.append(
            Failure(
                "vehicle.powertrain_not_allowed",
                {
                    "powertrain": vehicle.powertrain.upper(),
                    "allowed": _upper_list(rules.powertrains),
                },
            )
        )
    if rules.vehicle_year_min is not None and vehicle.year < rules.vehicle_year_min:
        out.append(
            Failure("vehicle.too_old", {"year": vehicle.year, "min_year": rules.vehicle_year_min})
        )
    if rules.vehicle_year_max is not None and vehicle.year > rules.vehicle_year_max:
        out.append(
            Failure("vehicle.too_new", {"year": vehicle.year, "max_year": rules.vehicle_year_max})
        )
    if rules.max_power_kw is not None:
        if vehicle.power_kw is None:
            out.append(Failure("vehicle.power_missing"))
        elif vehicle.power_kw > rules.max_power_kw:
            out.append(
                Failure(
                    "vehicle.power_too_high",
                    {"power_kw": str(vehicle.power_kw), "max_power_kw": str(rules.max_power_kw)},
                )
            )
    if rules.max_displacement_cc is not None:
        if vehicle.displacement_cc is None:
            out.append(Failure("vehicle.displacement_missing"))
        elif vehicle.displacement_cc > rules.max_displacement_cc:
            out.append(
                Failure(
                    "vehicle.displacement_too_large",
                    {
                        "displacement_cc": vehicle.displacement_cc,
                        "max_displacement_cc": rules.max_displacement_cc,
                    },
                )
            )
    if rules.battery_kwh_min is not None or rules.battery_kwh_max is not None:
        out.extend(_battery_failures(rules, vehicle))
    if rules.homologation_required:
        if not vehicle.chassis_homologation.strip():
            out.append(Failure("vehicle.chassis_homologation_missing"))
        if not vehicle.engine_homologation.strip():
            out.append(Failure("vehicle.engine_homologation_missing"))
    if rules.classic_certificate_required and not vehicle.classic_certificate.strip():
        out.append(Failure("vehicle.classic_certificate_missing"))
    return out


def _battery_failures(rules: ClassRules, vehicle: Vehicle) -> list[Failure]:
    if vehicle.battery_kwh is None:
        return [Failure("vehicle.battery_missing")]
    have = str(vehicle.battery_kwh)
    if rules.battery_kwh_min is not None and vehicle.battery_kwh < rules.battery_kwh_min:
        return [
            Failure(
                "vehicle.battery_too_small",
                {"battery_kwh": have, "battery_kwh_min": str(rules.battery_kwh_min)},
            )
        ]
    if rules.battery_kwh_max is not None and vehicle.battery_kwh > rules.battery_kwh_max:
        return [
            Failure(
                "vehicle.battery_too_large",
                {"battery_kwh": have, "battery_kwh_max": str(rules.battery_kwh_max)},
            )
        ]
    return []


def _upper_list(codes: Iterable[str]) -> str:
    return ", ".join(code.upper() for code in codes)


# ---------------------------------------------------------------------------------------------
# Validation of stored rules
# ---------------------------------------------------------------------------------------------

_BOOL_KEYS = (
    "temporary_licence_allowed",
    "medical_required",
    "homologation_required",
    "classic_certificate_required",
    "navigator_required",
    "navigator_needs_licence",
    "rookie_class",
    "team_licence_required",
)
_INT_KEYS = (
    "road_licence_years",
    "vehicle_year_min",
    "vehicle_year_max",
    "max_displacement_cc",
    "on_the_spot_max_events",
)
_DECIMAL_KEYS = ("min_driver_weight_kg", "max_power_kw", "battery_kwh_min", "battery_kwh_max")
_KNOWN_KEYS = frozenset({"licences", "age", "powertrains", *_BOOL_KEYS, *_INT_KEYS, *_DECIMAL_KEYS})


def _parse_rules(data: Mapping[str, Any]) -> ClassRules:
    if not isinstance(data, Mapping):
        raise RulesError("rules", "must be an object")
    unknown = set(data) - _KNOWN_KEYS
    if unknown:
        raise RulesError(sorted(unknown)[0], "unknown rule")
    values: dict[str, Any] = {}
    for key in _BOOL_KEYS:
        if key in data:
            if not isinstance(data[key], bool):
                raise RulesError(key, "must be true or false")
            values[key] = data[key]
    for key in _INT_KEYS:
        if data.get(key) is not None:
            values[key] = _non_negative_int(key, data[key])
    for key in _DECIMAL_KEYS:
        if data.get(key) is not None:
            values[key] = _non_negative_decimal(key, data[key])
    if "powertrains" in data:
        values["powertrains"] = _powertrains(data["powertrains"])
    if data.get("licences") is not None:
        values["licences"] = _licence_requirements(data["licences"])
    if data.get("age") is not None:
        values["age"] = _age_band(data["age"])
    rules = ClassRules(**values)
    _check_ranges(rules)
    return rules


def _non_negative_int(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RulesError(key, "must be a whole number")
    if value < 0:
        raise RulesError(key, "must not be negative")
    return value


def _non_negative_decimal(key: str, value: Any) -> Decimal:
    # Floats are refused: stored rules keep decimals as strings so 0.1 stays 0.1.
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise RulesError(key, "must be a decimal number written as a string")
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise RulesError(key, "must be a decimal number") from exc
    if not number.is_finite():
        raise RulesError(key, "must be a finite number")
    if number < 0:
        raise RulesError(key, "must not be negative")
    return number


def _powertrains(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise RulesError("powertrains", "must be a list of powertrain codes")
    bad = [v for v in value if v not in POWERTRAINS]
    if bad:
        raise RulesError("powertrains", f"unknown powertrain {bad[0]!r}")
    return tuple(dict.fromkeys(value))


def _licence_requirements(value: Any) -> tuple[LicenceRequirement, ...]:
    if not isinstance(value, list | tuple):
        raise RulesError("licences", "must be a list")
    out: list[LicenceRequirement] = []
    for item in value:
        if not isinstance(item, Mapping) or set(item) - {"issuer", "discipline", "min_grade"}:
            raise RulesError("licences", "each entry has issuer, discipline and min_grade")
        issuer, discipline = item.get("issuer"), item.get("discipline")
        min_grade = item.get("min_grade")
        if not isinstance(issuer, str) or not issuer:
            raise RulesError("licences", "issuer is required")
        if discipline not in DISCIPLINES:
            raise RulesError("licences", f"unknown discipline {discipline!r}")
        if min_grade is not None and (not isinstance(min_grade, str) or not min_grade):
            raise RulesError("licences", "min_grade must be a grade code")
        requirement = LicenceRequirement(issuer, discipline, min_grade)
        if any(r.issuer == issuer and r.discipline == discipline for r in out):
            raise RulesError("licences", f"{issuer} {discipline} is listed twice")
        out.append(requirement)
    return tuple(out)


def _age_band(value: Any) -> AgeBand:
    if not isinstance(value, Mapping) or set(value) - {"min_age", "max_age", "by_calendar_year"}:
        raise RulesError("age", "has min_age, max_age and by_calendar_year")
    by_year = value.get("by_calendar_year", False)
    if not isinstance(by_year, bool):
        raise RulesError("age", "by_calendar_year must be true or false")
    low = value.get("min_age")
    high = value.get("max_age")
    band = AgeBand(
        min_age=None if low is None else _non_negative_int("age", low),
        max_age=None if high is None else _non_negative_int("age", high),
        by_calendar_year=by_year,
    )
    if band.min_age is not None and band.max_age is not None and band.min_age > band.max_age:
        raise RulesError("age", "min_age is above max_age")
    return band


def _check_ranges(rules: ClassRules) -> None:
    if (
        rules.vehicle_year_min is not None
        and rules.vehicle_year_max is not None
        and rules.vehicle_year_min > rules.vehicle_year_max
    ):
        raise RulesError("vehicle_year_min", "is after vehicle_year_max")
    if (
        rules.battery_kwh_min is not None
        and rules.battery_kwh_max is not None
        and rules.battery_kwh_min > rules.battery_kwh_max
    ):
        raise RulesError("battery_kwh_min", "is above battery_kwh_max")
    if rules.navigator_needs_licence and not rules.licences:
        raise RulesError("navigator_needs_licence", "no licence is listed for the class")
    if rules.on_the_spot_max_events is not None:
        if rules.on_the_spot_max_events < 1:
            raise RulesError("on_the_spot_max_events", "must be at least 1")
        if not rules.licences:
            raise RulesError("on_the_spot_max_events", "no licence is listed for the class")
