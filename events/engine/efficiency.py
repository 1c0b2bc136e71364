"""NEV efficiency runs: energy per distance, lower wins. Pure, no Django.

Each car drives a distance (or a number of laps of a known length) within a time window; staff
read the energy it used (kWh) from the charger or the car's meter. The score is kWh/100 km.

Rules (a session's ``rules`` JSON):
- ``measure``: ``distance`` (the distance is entered per car) or ``laps`` (laps x ``lap_m``).
- ``time_window_ms``: the time allowed; 0 means no limit.
- ``over_time``: ``not_classified`` (a car over the window is listed, unplaced) or ``penalty``:
  its energy is increased by the penalty of the first band whose "over by up to" percentage
  covers the overrun: ``over_time_up_to_percent`` [5] and ``over_time_penalty_percent`` [10, 20]
  mean up to 5 % over adds 10 %, more adds 20 % (the bands of a published fuel-economy challenge).
- Ties on kWh/100 km go to the quicker car, then to the lower car number.

Numbers are Decimals all the way: kWh is entered to three places and kWh/100 km is shown to
three places, but the order is decided on the exact values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any


class Measure(StrEnum):
    DISTANCE = "distance"
    LAPS = "laps"


class OverTime(StrEnum):
    NOT_CLASSIFIED = "not_classified"
    PENALTY = "penalty"


def gettext_noop(message: str) -> str:
    """Marks a message for extraction; the caller translates it where it is shown."""
    return message


class EfficiencyRulesError(ValueError):
    """Rules that cannot be used; ``field`` names the key, ``message`` is an English template
    marked for translation."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.params: dict[str, object] = {}


@dataclass(frozen=True)
class Band:
    over_percent_up_to: int | None  # None: any overrun beyond the earlier bands
    penalty_percent: int


@dataclass(frozen=True)
class EfficiencyRules:
    measure: Measure = Measure.DISTANCE
    lap_m: int = 0
    time_window_ms: int = 0
    over_time: OverTime = OverTime.NOT_CLASSIFIED
    over_time_bands: tuple[Band, ...] = (Band(5, 10), Band(None, 20))

    @property
    def lap_km(self) -> Decimal:
        return Decimal(self.lap_m) / 1000


def _int(data: Mapping[str, Any], key: str, default: int, high: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise EfficiencyRulesError(f"{key} must be a whole number from 0 to {high}", field=key)
    return value


def _ints(data: Mapping[str, Any], key: str, default: list[int]) -> list[int]:
    value = data.get(key, default)
    if (
        not isinstance(value, list)
        or len(value) > 10
        or any(isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 1000 for v in value)
    ):
        raise EfficiencyRulesError(
            f"{key} must be a list of whole numbers from 0 to 1000", field=key
        )
    return value


def efficiency_rules(data: Mapping[str, Any] | None) -> EfficiencyRules:
    """Rules from a session's ``rules`` JSON; missing keys take the defaults.

    ``over_time_up_to_percent`` [5] and ``over_time_penalty_percent`` [10, 20] make the bands:
    one more penalty than limits, the last penalty for any larger overrun.
    """
    data = data or {}
    defaults = EfficiencyRules()
    try:
        measure = Measure(data.get("measure", defaults.measure))
    except ValueError:
        raise EfficiencyRulesError("measure must be distance or laps", field="measure") from None
    try:
        over_time = OverTime(data.get("over_time", defaults.over_time))
    except ValueError:
        raise EfficiencyRulesError(
            "over_time must be not_classified or penalty", field="over_time"
        ) from None
    lap_m = _int(data, "lap_m", 0, 100_000)
    if measure is Measure.LAPS and not lap_m:
        raise EfficiencyRulesError(
            gettext_noop("Runs measured in laps need the lap length."), field="lap_m"
        )
    window = _int(data, "time_window_ms", 0, 86_400_000)
    limits = _ints(data, "over_time_up_to_percent", [5])
    penalties = _ints(data, "over_time_penalty_percent", [10, 20])
    if len(penalties) != len(limits) + 1:
        raise EfficiencyRulesError(
            gettext_noop(
                "Give one more over-time penalty than limits: the last is for any larger overrun."
            ),
            field="over_time_penalty_percent",
        )
    if limits != sorted(set(limits)):
        raise EfficiencyRulesError(
            gettext_noop("The over-time limits must go up from the smallest overrun."),
            field="over_time_up_to_percent",
        )
    bands = tuple(
        Band(up_to, penalty) for up_to, penalty in zip([*limits, None], penalties, strict=True)
    )
    return EfficiencyRules(
        measure=measure,
        lap_m=lap_m,
        time_window_ms=window,
        over_time=over_time,
        over_time_bands=bands,
    )


# --------------------------------------------------------------------------- scoring


class RunStatus(StrEnum):
    OK = "ok"
    DNF = "dnf"
    DNS = "dns"
    DSQ = "dsq"


@dataclass(frozen=True)
class Run:
    number: str
    status: RunStatus = RunStatus.OK
    energy_kwh: Decimal | None = None
    distance_km: Decimal | None = None  # for measure = distance
    laps: int | None = None  # for measure = laps
    elapsed_ms: int | None = None


class Standing(StrEnum):
    CLASSIFIED = "classified"
    OVER_TIME = "over_time"  # not classified: over the time window
    AWAITING_ENERGY = "awaiting_energy"  # ran, energy not entered yet
    NO_DISTANCE = "no_distance"
    DNF = "dnf"
    DNS = "dns"
    DSQ = "dsq"


@dataclass(frozen=True)
class Scored:
    number: str
    position: int | None
    standing: Standing
    energy_kwh: Decimal | None  # as entered
    counted_kwh: Decimal | None  # with any over-time penalty
    distance_km: Decimal | None
    kwh_per_100km: Decimal | None  # shown to three places
    elapsed_ms: int | None
    over_ms: int
    penalty_percent: Decimal


THREE_PLACES = Decimal("0.001")
LISTING = {
    Standing.CLASSIFIED: 0,
    Standing.AWAITING_ENERGY: 1,
    Standing.OVER_TIME: 2,
    Standing.NO_DISTANCE: 3,
    Standing.DNF: 4,
    Standing.DSQ: 5,
    Standing.DNS: 6,
}


def distance_of(run: Run, rules: EfficiencyRules) -> Decimal | None:
    if rules.measure is Measure.LAPS:
        if run.laps is None or not rules.lap_m:
            return None
        return run.laps * rules.lap_km
    return run.distance_km


def penalty_percent(over_ms: int, rules: EfficiencyRules) -> Decimal:
    """The energy surcharge for an overrun of ``over_ms`` (0 when inside the window)."""
    if over_ms <= 0 or not rules.time_window_ms:
        return Decimal(0)
    over_percent = Decimal(over_ms) * 100 / Decimal(rules.time_window_ms)
    for band in rules.over_time_bands:
        if band.over_percent_up_to is None or over_percent <= band.over_percent_up_to:
            return Decimal(band.penalty_percent)
    return Decimal(rules.over_time_bands[-1].penalty_percent)


def score(runs: Sequence[Run], rules: EfficiencyRules) -> list[Scored]:
    """Every car scored and ordered: classified by kWh/100 km (lower first), then the rest."""
    scored: list[tuple[tuple[Any, ...], Scored]] = []
    for run in runs:
        distance = distance_of(run, rules)
        over_ms = 0
        if rules.time_window_ms and run.elapsed_ms is not None:
            over_ms = max(0, run.elapsed_ms - rules.time_window_ms)
        surcharge = Decimal(0)
        standing = Standing.CLASSIFIED
        if run.status is not RunStatus.OK:
            standing = Standing(str(run.status))
        elif distance is None or distance <= 0:
            standing = Standing.NO_DISTANCE
        elif over_ms and rules.over_time is OverTime.NOT_CLASSIFIED:
            standing = Standing.OVER_TIME
        elif run.energy_kwh is None:
            standing = Standing.AWAITING_ENERGY
        else:
            surcharge = penalty_percent(over_ms, rules)
        counted = None
        exact = None
        if run.energy_kwh is not None:
            counted = run.energy_kwh * (100 + surcharge) / 100
            if distance is not None and distance > 0:
                exact = counted * 100 / distance
        shown = None if exact is None else exact.quantize(THREE_PLACES, rounding=ROUND_HALF_UP)
        item = Scored(
            number=run.number,
            position=None,
            standing=standing,
            energy_kwh=run.energy_kwh,
            counted_kwh=counted,
            distance_km=distance,
            kwh_per_100km=shown,
            elapsed_ms=run.elapsed_ms,
            over_ms=over_ms,
            penalty_percent=surcharge,
        )
        key = (
            LISTING[standing],
            exact if standing is Standing.CLASSIFIED else Decimal(0),
            run.elapsed_ms if run.elapsed_ms is not None else 1 << 62,
            _number_key(run.number),
        )
        scored.append((key, item))
    scored.sort(key=lambda pair: pair[0])
    result = []
    position = 0
    for _key, item in scored:
        if item.standing is Standing.CLASSIFIED:
            position += 1
            item = replace(item, position=position)
        result.append(item)
    return result


def _number_key(number: str) -> tuple[int, int, str]:
    return (0, int(number), number) if number.isdigit() else (1, 0, number)
