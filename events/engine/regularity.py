"""Regularity (TSD) scoring: pure computations, no Django.

Dataclasses in, dataclasses out:

1. ``ideal_offsets``: a route's sections (distance and average speed, or a time given directly)
   become each control's offset from the crew's start.
2. ``score_crew``: one crew's stamps against those ideals, under ``Rules``, give a penalty per
   control and a total.
3. ``rank``: every crew's score gives the standings.

Choices made here (documented because series differ; each is a field of ``Rules``):
- A crew's scheduled start is the route's standard time (when a notional car number 0 would
  start) plus its number times the start interval.
- Time controls are timed to the preceding whole minute (a stamp at 11:13:59 counts as 11:13),
  and scored per minute early and per minute late. Secret checks are timed to ``precision``
  (minute, second or tenth, always truncated) and scored per unit of that precision, early or
  late, each check capped. Passage controls only count when missed.
- With ``restart_at_time_controls`` each section is scored on its own: the ideal times after a
  time control count from the minute the crew was actually stamped there, so lateness is not
  punished twice.
- Over ``max_lateness_minutes`` late at a time control the crew is OTL: a fixed penalty, or
  exclusion, as the rules say. A control with no stamp is missed (in live standings a control
  not yet reached is pending instead).
- ``drop_worst`` of the secret checks ("tests") are dropped, the worst first.
- An optional car-age coefficient multiplies the total (older cars are often helped).
- Ties: more zero-penalty controls first, then the older car, then the lower number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

MINUTE_MS = 60_000
PRECISION_MS = {"minute": 60_000, "second": 1_000, "tenth": 100}
POINTS_PLACES = Decimal("0.1")


class Kind(StrEnum):
    START = "start"
    TIME_CONTROL = "time_control"
    PASSAGE = "passage"
    SECRET = "secret"  # noqa: S105 (a secret check, not a credential)
    FINISH = "finish"


# Kinds scored like a time control: per minute early and late, OTL over the maximum lateness.
TIMED_KINDS = frozenset({Kind.START, Kind.TIME_CONTROL, Kind.FINISH})


def gettext_noop(message: str) -> str:
    """Marks a message for extraction; the caller translates ``template % params`` where shown."""
    return message


class RulesError(ValueError):
    """The rules given are not usable; ``field`` names the offending one. ``template`` and
    ``params`` let a page show the message in the reader's language."""

    def __init__(self, template: str, *, field: str, **params: object) -> None:
        super().__init__(template % params if params else template)
        self.field = field
        self.template = template
        self.params = params


@dataclass(frozen=True)
class Rules:
    precision: str = "second"
    tc_early_per_minute: Decimal = Decimal(2)
    tc_late_per_minute: Decimal = Decimal(1)
    max_lateness_minutes: int = 30
    otl: str = "penalty"  # "penalty" (otl_penalty points) or "exclude"
    otl_penalty: Decimal = Decimal(30)
    missed_control_penalty: Decimal = Decimal(30)
    missed_passage_penalty: Decimal = Decimal(30)
    missed_secret_penalty: Decimal = Decimal(300)
    secret_early_per_unit: Decimal = Decimal(1)
    secret_late_per_unit: Decimal = Decimal(1)
    secret_cap: Decimal = Decimal(300)  # per check; 0 for no cap
    restart_at_time_controls: bool = True
    drop_worst: int = 0
    # (built up to this year, coefficient), by year; a car takes the first row it fits.
    age_coefficients: tuple[tuple[int, Decimal], ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rules:
        """Rules from JSON-like data (unknown keys refused, so a typo is never ignored)."""
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise RulesError(gettext_noop("Unknown rule “%(name)s”."), field=key, name=key)
        values: dict[str, Any] = {}
        for item in fields(cls):
            if item.name not in data:
                continue
            raw = data[item.name]
            default = getattr(cls, item.name)
            try:
                if item.name == "age_coefficients":
                    values[item.name] = tuple(
                        (int(year), Decimal(str(coefficient))) for year, coefficient in raw
                    )
                elif isinstance(default, bool):
                    if not isinstance(raw, bool):
                        raise TypeError
                    values[item.name] = raw
                elif isinstance(default, Decimal):
                    values[item.name] = Decimal(str(raw))
                elif isinstance(default, int):
                    if isinstance(raw, bool) or int(raw) != raw:
                        raise TypeError
                    values[item.name] = int(raw)
                else:
                    values[item.name] = str(raw)
            except (TypeError, ValueError, ArithmeticError) as error:
                raise RulesError(
                    gettext_noop("“%(name)s” has a bad value."), field=item.name, name=item.name
                ) from error
        rules = cls(**values)
        rules.check()
        return rules

    def check(self) -> None:
        if self.precision not in PRECISION_MS:
            raise RulesError(
                gettext_noop("Precision is minute, second or tenth."), field="precision"
            )
        if self.otl not in ("penalty", "exclude"):
            raise RulesError(gettext_noop("OTL is a penalty or an exclusion."), field="otl")
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Decimal) and (not value.is_finite() or value < 0):
                raise RulesError(
                    gettext_noop("“%(name)s” cannot be negative."), field=item.name, name=item.name
                )
            if isinstance(value, int) and not isinstance(value, bool) and value < 0:
                raise RulesError(
                    gettext_noop("“%(name)s” cannot be negative."), field=item.name, name=item.name
                )
        if self.max_lateness_minutes < 1:
            raise RulesError(
                gettext_noop("The maximum lateness is at least a minute."),
                field="max_lateness_minutes",
            )
        if self.otl == "penalty" and (
            self.otl_penalty < self.max_lateness_minutes * self.tc_late_per_minute
        ):
            # Otherwise arriving later still could cost less than arriving just in time.
            raise RulesError(
                gettext_noop("The OTL penalty is at least the penalty for the maximum lateness."),
                field="otl_penalty",
            )
        years = [year for year, _ in self.age_coefficients]
        if years != sorted(set(years)):
            raise RulesError(
                gettext_noop("Car-age rows go by year, each once."), field="age_coefficients"
            )
        if any(c <= 0 or not c.is_finite() for _, c in self.age_coefficients):
            raise RulesError(gettext_noop("A coefficient is above zero."), field="age_coefficients")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, Decimal):
                data[key] = _number(value)
        data["age_coefficients"] = [[year, _number(c)] for year, c in self.age_coefficients]
        return data

    def coefficient(self, car_year: int | None) -> Decimal:
        if car_year is None:
            return Decimal(1)
        for year, coefficient in self.age_coefficients:
            if car_year <= year:
                return coefficient
        return Decimal(1)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# Presets for the common systems. Penalties are points; the MSUK-style preset counts seconds of
# penalty, as its time-penalty table does (a minute early costs a minute, a minute late 15 s).
PRESETS: dict[str, Rules] = {
    # Points system common to club TSD rallies: 2 a minute early, 1 a minute late at time
    # controls, 30 for a missed control, 1 a second at secret checks capped at 300.
    "tsd-club": Rules(),
    # Historic road rally on scheduled time (Motorsport UK Appendix 7B, time-penalty method):
    # time controls to the preceding minute; early 60 s a minute, late 15 s a minute; OTL
    # 30 minutes late; regularity checks the actual time early or late, capped at a minute.
    "msuk-historic": Rules(
        precision="second",
        tc_early_per_minute=Decimal(60),
        tc_late_per_minute=Decimal(15),
        max_lateness_minutes=30,
        otl="penalty",
        otl_penalty=Decimal(1800),
        missed_control_penalty=Decimal(1800),
        missed_passage_penalty=Decimal(60),
        missed_secret_penalty=Decimal(60),
        secret_early_per_unit=Decimal(1),
        secret_late_per_unit=Decimal(1),
        secret_cap=Decimal(60),
    ),
    # Timed to the tenth at secret checks (electronic timing), one point a tenth, capped.
    "tsd-tenths": Rules(
        precision="tenth",
        tc_early_per_minute=Decimal(10),
        tc_late_per_minute=Decimal(10),
        otl="exclude",
        missed_control_penalty=Decimal(300),
        missed_passage_penalty=Decimal(300),
        missed_secret_penalty=Decimal(300),
        secret_cap=Decimal(300),
        drop_worst=1,
    ),
}
DEFAULT_PRESET = "tsd-club"


# The system an event of each tier starts from (events.engine.formats takes these as its presets).
TIER_PRESETS = {"local_heritage": DEFAULT_PRESET, "national": "msuk-historic"}


def format_rules(rules: Rules) -> dict[str, Any]:
    """Rules as a session stores them (events.engine.formats): car-age rows as {"year": c}."""
    data = rules.to_dict()
    data["age_coefficients"] = {str(year): c for year, c in data["age_coefficients"]}
    return data


def rules_from_format(data: Mapping[str, Any]) -> Rules:
    """Rules from a session's checked rules (the inverse of ``format_rules``)."""
    data = dict(data)
    ages = data.get("age_coefficients") or {}
    try:
        data["age_coefficients"] = sorted([int(year), value] for year, value in ages.items())
    except (TypeError, ValueError, AttributeError) as error:
        raise RulesError(
            gettext_noop("Car-age rows go by year."), field="age_coefficients"
        ) from error
    return Rules.from_dict(data)


def rules_from_data(data: Mapping[str, Any] | None) -> Rules:
    """A session's rules as stored: a preset's name under "preset" and any rule changed from it.
    Nothing stored means the default preset."""
    data = dict(data or {})
    name = data.pop("preset", DEFAULT_PRESET)
    if name not in PRESETS:
        raise RulesError(gettext_noop("Unknown preset “%(name)s”."), field="preset", name=name)
    base = PRESETS[name].to_dict()
    base.update(data)
    return Rules.from_dict(base)


@dataclass(frozen=True)
class Section:
    """The way to one control from the one before: a distance and an average speed, or a time."""

    code: str
    kind: Kind
    distance_m: int | None = None
    speed_kmh: Decimal | None = None
    section_ms: int | None = None


class RouteError(ValueError):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def section_ms(section: Section) -> int:
    """The ideal time of one section in ms (distance ÷ speed, to the nearest ms)."""
    if section.section_ms is not None:
        return section.section_ms
    if section.distance_m is None or not section.speed_kmh:
        raise RouteError("A section needs a time, or a distance and a speed.", code=section.code)
    # m ÷ (km/h) = 3.6 s per unit, i.e. 3600 ms per m per km/h.
    exact = Decimal(section.distance_m) * 3600 / Decimal(section.speed_kmh)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def ideal_offsets(sections: Sequence[Section]) -> list[int]:
    """Each control's ideal offset from the start (ms); the first control is the start (0)."""
    offsets: list[int] = []
    total = 0
    for index, section in enumerate(sections):
        if index:
            total += section_ms(section)
        offsets.append(total)
    return offsets


def scheduled_start_ms(standard_start_ms: int, number: int, interval_ms: int) -> int:
    """Scheduled time = standard time + competition number × interval."""
    return standard_start_ms + number * interval_ms


def truncate(ms: int, unit_ms: int) -> int:
    return ms - ms % unit_ms


class Outcome(StrEnum):
    SCORED = "scored"
    MISSED = "missed"
    OTL = "otl"
    PENDING = "pending"


@dataclass(frozen=True)
class ControlScore:
    code: str
    kind: Kind
    ideal_ms: int
    actual_ms: int | None
    delta_ms: int | None  # actual - ideal at the control's precision; early is negative
    penalty: Decimal
    outcome: Outcome
    dropped: bool = False

    @property
    def is_zero(self) -> bool:
        return self.outcome == Outcome.SCORED and self.penalty == 0 and self.kind != Kind.PASSAGE


@dataclass(frozen=True)
class CrewScore:
    number: int
    controls: tuple[ControlScore, ...]
    penalty: Decimal  # after drops and the car-age coefficient
    zeros: int
    excluded: bool = False
    car_year: int | None = None
    started: bool = True


def _units(delta_ms: int, unit_ms: int) -> int:
    return abs(delta_ms) // unit_ms


def control_penalty(kind: Kind, delta_ms: int, rules: Rules) -> Decimal:
    """The penalty of one stamp ``delta_ms`` from its ideal (at the control's precision)."""
    if kind == Kind.PASSAGE:
        return Decimal(0)
    if kind in TIMED_KINDS:
        minutes = _units(delta_ms, MINUTE_MS)
        rate = rules.tc_early_per_minute if delta_ms < 0 else rules.tc_late_per_minute
        return minutes * rate
    units = _units(delta_ms, PRECISION_MS[rules.precision])
    rate = rules.secret_early_per_unit if delta_ms < 0 else rules.secret_late_per_unit
    penalty = units * rate
    if rules.secret_cap:
        penalty = min(penalty, rules.secret_cap)
    return penalty


def _missed_penalty(kind: Kind, rules: Rules) -> Decimal:
    if kind == Kind.PASSAGE:
        return rules.missed_passage_penalty
    if kind == Kind.SECRET:
        return rules.missed_secret_penalty
    return rules.missed_control_penalty


def score_crew(
    *,
    number: int,
    sections: Sequence[Section],
    start_ms: int,
    stamps: Mapping[str, int],
    rules: Rules,
    final: bool = True,
    car_year: int | None = None,
) -> CrewScore:
    """One crew's score. ``stamps`` maps a control code to the stamp time (ms since the epoch).

    With ``final`` false (live standings) a control with no stamp counts as missed only when a
    later control has one; until then it is pending.
    """
    offsets = ideal_offsets(sections)
    reached = [section.code in stamps for section in sections]
    last_reached = max((i for i, hit in enumerate(reached) if hit), default=-1)
    base_ms, base_offset = start_ms, 0
    excluded = False
    scores: list[ControlScore] = []
    for index, section in enumerate(sections):
        kind = Kind(section.kind)
        timed = kind in TIMED_KINDS
        unit_ms = MINUTE_MS if timed else PRECISION_MS[rules.precision]
        ideal_ms = base_ms + offsets[index] - base_offset
        ideal_at = truncate(ideal_ms, unit_ms)
        actual = stamps.get(section.code)
        if actual is None:
            pending = not final and index > last_reached
            scores.append(
                ControlScore(
                    code=section.code,
                    kind=kind,
                    ideal_ms=ideal_at,
                    actual_ms=None,
                    delta_ms=None,
                    penalty=Decimal(0) if pending else _missed_penalty(kind, rules),
                    outcome=Outcome.PENDING if pending else Outcome.MISSED,
                )
            )
            continue
        actual_at = truncate(actual, unit_ms)
        delta = actual_at - ideal_at
        if timed and delta > rules.max_lateness_minutes * MINUTE_MS:
            excluded = excluded or rules.otl == "exclude"
            score = ControlScore(
                code=section.code,
                kind=kind,
                ideal_ms=ideal_at,
                actual_ms=actual_at,
                delta_ms=delta,
                penalty=rules.otl_penalty if rules.otl == "penalty" else Decimal(0),
                outcome=Outcome.OTL,
            )
        else:
            score = ControlScore(
                code=section.code,
                kind=kind,
                ideal_ms=ideal_at,
                actual_ms=actual_at,
                delta_ms=delta,
                penalty=control_penalty(kind, delta, rules),
                outcome=Outcome.SCORED,
            )
        scores.append(score)
        if timed and rules.restart_at_time_controls:
            # The next section counts from the minute the crew was stamped here.
            base_ms, base_offset = actual_at, offsets[index]
    scores = _drop_worst(scores, rules.drop_worst)
    subtotal = sum((s.penalty for s in scores if not s.dropped), Decimal(0))
    total = (subtotal * rules.coefficient(car_year)).quantize(POINTS_PLACES, ROUND_HALF_UP)
    return CrewScore(
        number=number,
        controls=tuple(scores),
        penalty=total,
        zeros=sum(1 for s in scores if s.is_zero),
        excluded=excluded,
        car_year=car_year,
        started=any(reached),
    )


def _drop_worst(scores: list[ControlScore], count: int) -> list[ControlScore]:
    if count <= 0:
        return scores
    tests = [
        i for i, s in enumerate(scores) if s.kind == Kind.SECRET and s.outcome != Outcome.PENDING
    ]
    # Keep at least one test: dropping every one would leave nothing to compare.
    count = min(count, max(len(tests) - 1, 0))
    worst = sorted(tests, key=lambda i: (-scores[i].penalty, i))[:count]
    return [replace(s, dropped=True) if i in worst else s for i, s in enumerate(scores)]


@dataclass(frozen=True)
class Standing:
    position: int | None  # None: excluded or not started
    crew: CrewScore


def rank(crews: Iterable[CrewScore]) -> list[Standing]:
    """Lowest penalty first; ties by more zeros, then the older car, then the lower number.
    Excluded crews and crews that never started follow, without a position."""
    crews = list(crews)
    ranked = sorted(
        (c for c in crews if not c.excluded and c.started),
        key=lambda c: (
            c.penalty,
            -c.zeros,
            c.car_year if c.car_year is not None else 10_000,
            c.number,
        ),
    )
    rest = sorted((c for c in crews if c.excluded or not c.started), key=lambda c: c.number)
    return [Standing(position=i, crew=c) for i, c in enumerate(ranked, start=1)] + [
        Standing(position=None, crew=c) for c in rest
    ]


@dataclass(frozen=True)
class RouteRow:
    """A line of the route card: a control, its section and its ideal time for car 0."""

    code: str
    kind: Kind
    section_ms: int
    offset_ms: int
    distance_m: int | None = None
    speed_kmh: Decimal | None = None


def route_card(sections: Sequence[Section], *, include_secret: bool = False) -> list[RouteRow]:
    """The printable card. Secret checks are left out unless asked for (officials see them);
    a hidden check's section is folded into the next line shown, so distances still add up."""
    offsets = ideal_offsets(sections)
    rows: list[RouteRow] = []
    previous_offset = 0
    distance: int | None = 0
    speeds: set[Decimal] = set()
    for index, section in enumerate(sections):
        if index:
            distance = (
                None
                if distance is None or section.distance_m is None
                else distance + section.distance_m
            )
            if section.speed_kmh:
                speeds.add(Decimal(section.speed_kmh))
        if section.kind == Kind.SECRET and not include_secret:
            continue
        rows.append(
            RouteRow(
                code=section.code,
                kind=Kind(section.kind),
                section_ms=offsets[index] - previous_offset,
                offset_ms=offsets[index],
                distance_m=distance if index else None,
                speed_kmh=next(iter(speeds)) if len(speeds) == 1 else None,
            )
        )
        previous_offset, distance, speeds = offsets[index], 0, set()
    return rows
