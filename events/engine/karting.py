"""Kart meetings: heat groups, grids, heat points, the kart draw and ballast. Pure, no Django.

A kart meeting runs in stages: heats, then a pre-final, then a final.

- **Heat groups.** With more drivers than a heat's grid holds, the drivers are dealt into groups
  (A, B, C, ...) and every heat races two groups together, each pair of groups once. A driver then
  races G - 1 heats and meets every other driver at least once, which is the most anyone can meet.
  With few enough drivers there is one group and every heat has everybody.
- **Grids** come from a seeded draw (``random.Random(seed)``: the same seed always gives the same
  grid, so a draw can be re-run and checked) or from the qualifying order.
- **Heat points** are a table held as data: points for 1st, 2nd, ... and whether the lower or the
  higher total is better. Non-finishers score the points of the last place in their heat; drivers
  who did not start or were disqualified score the points of one place further back (lower is
  better) or nothing (higher is better).
- **Ranking after the heats** (the pre-final grid): total heat points; ties by countback (more
  heat wins, then more second places, ...), then the qualifying order, then the draw.
- **Final grid**: the pre-final's finishing order, or the heat ranking again, as the rules say.
  Either grid can reverse its first N places.
- **Kart draw** (arrive-and-drive): karts are drawn at random for every stage, and nobody gets a
  kart they already drove in the meeting unless that cannot be avoided (a maximum matching on
  "kart not driven yet" decides who can get a new kart; only the rest repeat).
- **Ballast**: a driver lighter than the class's minimum carries the difference, rounded up to the
  ballast weights the track has (``ballast_step_g``).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from itertools import combinations
from typing import Any

# --------------------------------------------------------------------------- rules as data


class GridOrder(StrEnum):
    DRAW = "draw"
    QUALIFYING = "qualifying"


class FinalGridFrom(StrEnum):
    PREFINAL = "prefinal"
    HEAT_POINTS = "heat_points"


def gettext_noop(message: str) -> str:
    """Marks a message for extraction; the caller translates it where it is shown."""
    return message


class KartRulesError(ValueError):
    """Rules that cannot be used; ``field`` names the offending key, ``message`` is an English
    template marked for translation and ``params`` fill it in."""

    def __init__(self, message: str, *, field: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.field = field
        self.message = message
        self.params = params


@dataclass(frozen=True)
class HeatPoints:
    """Points per heat finishing place, held as data.

    ``table[0]`` is for the winner. Past the end of the table, lower-is-better tables go on one
    point per place after their last value; higher-is-better tables give nothing.
    """

    table: tuple[int, ...] = (0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)
    lower_is_better: bool = True

    def for_place(self, place: int) -> int:
        if place < 1:
            raise ValueError(place)
        if place <= len(self.table):
            return self.table[place - 1]
        if not self.lower_is_better:
            return 0
        last = self.table[-1] if self.table else 0
        return last + (place - len(self.table))


@dataclass(frozen=True)
class KartRules:
    max_grid: int = 34
    heat_grid: GridOrder = GridOrder.QUALIFYING
    heat_points: HeatPoints = field(default_factory=HeatPoints)
    heats_when_one_group: int = 3
    prefinal: bool = True
    final_grid_from: FinalGridFrom = FinalGridFrom.PREFINAL
    reverse_top: int = 0
    ballast_step_g: int = 500

    @property
    def ballast_step_kg(self) -> Decimal:
        return Decimal(self.ballast_step_g) / 1000


def _int(data: Mapping[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise KartRulesError(f"{key} must be a whole number from {low} to {high}", field=key)
    return value


def _bool(data: Mapping[str, Any], key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise KartRulesError(f"{key} must be true or false", field=key)
    return value


def _choice(data: Mapping[str, Any], key: str, default: StrEnum) -> Any:
    value = data.get(key, str(default))
    try:
        return type(default)(value)
    except ValueError:
        allowed = ", ".join(str(member) for member in type(default))
        raise KartRulesError(f"{key} must be one of {allowed}", field=key) from None


def kart_rules(data: Mapping[str, Any] | None) -> KartRules:
    """Rules from a session's ``rules`` JSON; missing keys take the defaults."""
    data = data or {}
    defaults = KartRules()
    table = data.get("heat_points", list(defaults.heat_points.table))
    if (
        not isinstance(table, list)
        or len(table) > 100
        or any(isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 1000 for v in table)
    ):
        raise KartRulesError(
            "heat_points must be a list of whole numbers from 0 to 1000", field="heat_points"
        )
    if not table:
        raise KartRulesError(
            gettext_noop("The heat points need at least one value."), field="heat_points"
        )
    lower = _bool(data, "heat_points_lower_is_better", defaults.heat_points.lower_is_better)
    ordered = table == sorted(table) if lower else table == sorted(table, reverse=True)
    if not ordered:
        raise KartRulesError(
            gettext_noop("The heat points must never give a worse place a better score."),
            field="heat_points",
        )
    return KartRules(
        max_grid=_int(data, "max_grid", defaults.max_grid, 2, 200),
        heat_grid=_choice(data, "heat_grid", defaults.heat_grid),
        heat_points=HeatPoints(table=tuple(table), lower_is_better=lower),
        heats_when_one_group=_int(
            data, "heats_when_one_group", defaults.heats_when_one_group, 1, 10
        ),
        prefinal=_bool(data, "prefinal", defaults.prefinal),
        final_grid_from=_choice(data, "final_grid_from", defaults.final_grid_from),
        reverse_top=_int(data, "reverse_top", defaults.reverse_top, 0, 200),
        ballast_step_g=_int(data, "ballast_step_g", defaults.ballast_step_g, 100, 20_000),
    )


# --------------------------------------------------------------------------- draws and grids


def drawn_order(keys: Iterable[str], seed: str) -> tuple[str, ...]:
    """The keys in the order a seeded draw gives; the same keys and seed give the same order.

    The keys are sorted first, so the order they arrive in does not change the draw.
    """
    ordered = sorted(set(keys))
    random.Random(seed).shuffle(ordered)
    return tuple(ordered)


def reverse_top(grid: Sequence[str], count: int) -> tuple[str, ...]:
    """The grid with its first ``count`` places reversed (all of it when count is larger)."""
    count = min(count, len(grid))
    return tuple(reversed(grid[:count])) + tuple(grid[count:])


# --------------------------------------------------------------------------- heat groups


GROUP_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def group_name(index: int) -> str:
    """A, B, ..., Z, AA, AB, ... for the 0-based group index."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = GROUP_LETTERS[rest] + name
    return name


@dataclass(frozen=True)
class Heat:
    number: int
    groups: tuple[str, ...]  # group letters racing in this heat, e.g. ("A", "B")
    grid: tuple[str, ...]


@dataclass(frozen=True)
class HeatPlan:
    groups: dict[str, tuple[str, ...]]  # letter -> drivers
    heats: tuple[Heat, ...]


def group_count(drivers: int, max_grid: int) -> int:
    """How many groups: one when everybody fits on a grid, else enough that two groups do."""
    if drivers <= max_grid:
        return 1
    half = max_grid // 2
    return max(2, -(-drivers // half))


def _group_pairs(count: int) -> list[tuple[int, int]]:
    """Every pair of groups once, in rounds (circle method) in which each group races at most
    once; rounds in order of their first pair: A-B, C-D, A-C, B-D, A-D, B-C for four groups."""
    slots: list[int | None] = list(range(count))
    if count % 2:
        slots.append(None)
    size = len(slots)
    rounds: list[list[tuple[int, int]]] = []
    for _round in range(size - 1):
        pairs = []
        for i in range(size // 2):
            a, b = slots[i], slots[size - 1 - i]
            if a is not None and b is not None:
                pairs.append((min(a, b), max(a, b)))
        rounds.append(sorted(pairs))
        slots = [slots[0], slots[-1], *slots[1:-1]]
    ordered = [pair for pairs in sorted(rounds) for pair in pairs]
    assert sorted(ordered) == sorted(combinations(range(count), 2))
    return ordered


def plan_heats(
    rules: KartRules,
    *,
    qualifying: Sequence[str] = (),
    entrants: Iterable[str] = (),
    seed: str = "",
) -> HeatPlan:
    """Groups and the heats with their grids.

    ``qualifying`` is the qualifying order (best first); drivers entered but without a qualifying
    place follow in draw order. With ``heat_grid`` = draw, the qualifying order is ignored and
    everything is drawn with ``seed``. Groups are dealt like cards: 1st to A, 2nd to B, ... so
    groups are balanced in pace and differ in size by at most one.
    """
    everyone = set(entrants) | set(qualifying)
    if rules.heat_grid is GridOrder.QUALIFYING:
        ranked = list(dict.fromkeys(qualifying))
        ranked += drawn_order(everyone - set(ranked), seed)
    else:
        ranked = list(drawn_order(everyone, seed))
    count = group_count(len(ranked), rules.max_grid)
    groups: dict[str, list[str]] = {group_name(i): [] for i in range(count)}
    for index, driver in enumerate(ranked):
        groups[group_name(index % count)].append(driver)
    order = {driver: index for index, driver in enumerate(ranked)}
    heats: list[Heat] = []
    if count == 1:
        pairings: list[tuple[str, ...]] = [("A",)] * rules.heats_when_one_group
    else:
        pairings = [(group_name(a), group_name(b)) for a, b in _group_pairs(count)]
    for number, letters in enumerate(pairings, start=1):
        drivers = [d for letter in letters for d in groups[letter]]
        if rules.heat_grid is GridOrder.QUALIFYING:
            grid = tuple(sorted(drivers, key=order.__getitem__))
        else:
            grid = drawn_order(drivers, f"{seed}/heat/{number}")
        heats.append(Heat(number=number, groups=letters, grid=grid))
    return HeatPlan(groups={k: tuple(v) for k, v in groups.items()}, heats=tuple(heats))


def meetings(plan: HeatPlan) -> dict[str, set[str]]:
    """Who races whom at least once in the heats."""
    met: dict[str, set[str]] = {d: set() for drivers in plan.groups.values() for d in drivers}
    for heat in plan.heats:
        for driver in heat.grid:
            met[driver].update(other for other in heat.grid if other != driver)
    return met


# --------------------------------------------------------------------------- heat points


class Finish(StrEnum):
    FINISHED = "finished"  # classified, with a place
    NOT_FINISHED = "dnf"  # started, not classified
    NOT_STARTED = "dns"
    DISQUALIFIED = "dsq"


@dataclass(frozen=True)
class HeatLine:
    driver: str
    finish: Finish
    place: int | None = None  # 1-based finishing place for FINISHED lines


def heat_points(lines: Sequence[HeatLine], points: HeatPoints) -> dict[str, int]:
    """Points for every driver in one heat.

    Finishers score their place. Non-finishers score the last place of the heat (the number of
    drivers in it); non-starters and the disqualified score one place further back when lower is
    better, nothing when higher is.
    """
    size = len(lines)
    result: dict[str, int] = {}
    for line in lines:
        if line.finish is Finish.FINISHED:
            if line.place is None:
                raise ValueError(f"{line.driver} finished without a place")
            result[line.driver] = points.for_place(line.place)
        elif line.finish is Finish.NOT_FINISHED:
            result[line.driver] = points.for_place(size)
        elif points.lower_is_better:
            result[line.driver] = points.for_place(size + 1)
        else:
            result[line.driver] = 0
    return result


@dataclass(frozen=True)
class Ranked:
    driver: str
    rank: int
    points: int
    places: tuple[int, ...]  # heat finishing places, best first (countback)


def rank_after_heats(
    heats: Sequence[Sequence[HeatLine]],
    points: HeatPoints,
    *,
    qualifying: Sequence[str] = (),
    seed: str = "",
) -> list[Ranked]:
    """Everybody who raced a heat, ranked by heat points.

    Ties: countback on heat places (more wins, then more 2nd places, ...), then the qualifying
    order, then the seeded draw, so the ranking never depends on the order the heats came in.
    """
    totals: dict[str, int] = {}
    places: dict[str, list[int]] = {}
    for heat in heats:
        for driver, score in heat_points(heat, points).items():
            totals[driver] = totals.get(driver, 0) + score
            places.setdefault(driver, [])
        for line in heat:
            if line.finish is Finish.FINISHED and line.place is not None:
                places[line.driver].append(line.place)
    qualifying_place = {driver: i for i, driver in enumerate(dict.fromkeys(qualifying))}
    draw_place = {driver: i for i, driver in enumerate(drawn_order(totals, f"{seed}/ties"))}
    beyond = len(qualifying_place)

    def key(driver: str) -> tuple[Any, ...]:
        total = totals[driver] if points.lower_is_better else -totals[driver]
        return (
            total,
            _countback(places[driver]),
            qualifying_place.get(driver, beyond),
            draw_place[driver],
        )

    ordered = sorted(totals, key=key)
    return [
        Ranked(
            driver=driver,
            rank=rank,
            points=totals[driver],
            places=tuple(sorted(places[driver])),
        )
        for rank, driver in enumerate(ordered, start=1)
    ]


def _countback(places: Sequence[int]) -> tuple[int, ...]:
    """Sorts better first: more 1st places, then more 2nd places, ..."""
    if not places:
        return ()
    counts = [0] * max(places)
    for place in places:
        counts[place - 1] += 1
    return tuple(-count for count in counts)


def grid_from_ranking(ranking: Sequence[Ranked], rules: KartRules) -> tuple[str, ...]:
    """The next grid: the ranking, cut at the grid size, with the top N reversed if asked."""
    grid = tuple(r.driver for r in ranking)[: rules.max_grid]
    return reverse_top(grid, rules.reverse_top)


def grid_from_result(
    result: Sequence[HeatLine], rules: KartRules, *, ranking: Sequence[Ranked] = ()
) -> tuple[str, ...]:
    """The final grid from the pre-final's result: finishers in order, then the others in their
    heat ranking (or by name when there is none)."""
    finishers = sorted(
        (line for line in result if line.finish is Finish.FINISHED),
        key=lambda line: (line.place or 0, line.driver),
    )
    rank = {r.driver: r.rank for r in ranking}
    others = sorted(
        (line.driver for line in result if line.finish is not Finish.FINISHED),
        key=lambda driver: (rank.get(driver, len(rank) + 1), driver),
    )
    grid = tuple(line.driver for line in finishers) + tuple(others)
    return reverse_top(grid[: rules.max_grid], rules.reverse_top)


# --------------------------------------------------------------------------- kart draw


@dataclass(frozen=True)
class KartDraw:
    seed: str
    karts: dict[str, str]  # driver -> kart
    repeats: tuple[str, ...]  # drivers who got a kart they drove before (unavoidable)


class KartDrawError(ValueError):
    pass


def draw_karts(
    drivers: Iterable[str],
    karts: Iterable[str],
    *,
    seed: str,
    driven: Mapping[str, Iterable[str]] | None = None,
) -> KartDraw:
    """Draw a kart for each driver at random, avoiding karts a driver already drove.

    ``driven`` maps a driver to the karts they drove earlier in the meeting. The draw is a
    maximum matching of drivers to karts they have not driven, searched in a seeded random
    order, so as many drivers as possible get a new kart and the result is random but
    reproducible from the seed. Drivers who cannot get a new kart take the karts left.
    """
    people = drawn_order(drivers, f"{seed}/drivers")
    fleet = drawn_order(karts, f"{seed}/karts")
    if len(fleet) < len(people):
        raise KartDrawError(f"{len(people)} drivers but only {len(fleet)} karts")
    driven = driven or {}
    used = {driver: set(driven.get(driver, ())) for driver in people}
    owner: dict[str, str] = {}  # kart -> driver

    def place(driver: str, seen: set[str]) -> bool:
        for kart in fleet:
            if kart in used[driver] or kart in seen:
                continue
            seen.add(kart)
            holder = owner.get(kart)
            if holder is None or place(holder, seen):
                owner[kart] = driver
                return True
        return False

    for driver in people:
        place(driver, set())
    assigned = {driver: kart for kart, driver in owner.items()}
    spare = [kart for kart in fleet if kart not in owner]
    repeats = []
    for driver in people:
        if driver not in assigned:
            assigned[driver] = spare.pop(0)
            repeats.append(driver)
    return KartDraw(
        seed=seed,
        karts={driver: assigned[driver] for driver in people},
        repeats=tuple(repeats),
    )


# --------------------------------------------------------------------------- ballast


def ballast_kg(
    driver_kg: Decimal | None, minimum_kg: Decimal | None, *, step_kg: Decimal = Decimal("0.5")
) -> Decimal | None:
    """Ballast a driver carries: the shortfall below the minimum, rounded up to ``step_kg``.

    None when the weight is unknown (staff must weigh the driver); zero with no minimum.
    """
    if minimum_kg is None:
        return Decimal(0)
    if driver_kg is None:
        return None
    shortfall = minimum_kg - driver_kg
    if shortfall <= 0:
        return Decimal(0)
    steps = (shortfall / step_kg).to_integral_value(rounding=ROUND_CEILING)
    return (steps * step_kg).quantize(step_kg)
