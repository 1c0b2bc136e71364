"""Classification and championship points: pure computations, no Django.

Two steps, both dataclasses in and dataclasses out:

1. ``classify``: a session's raw lines (order on the road, laps, times, statuses, penalties)
   become the official classification: time penalties added and re-ordered, position penalties
   applied, positions numbered, gaps and intervals computed.
2. ``compute_standings``: the classified rounds of a championship, a points scale held as data,
   drop rules, countback and promotion rules give the standings of every class.

Rules chosen here (documented because series differ):
- Only ``classified`` lines get a position and position points. NC and DNF lines are listed after
  them (most laps first) and may earn ``starting`` points; DSQ and DNS lines earn nothing.
- A time penalty is added to the total time and can only lose places, never gain them; cars
  without a penalty keep their order relative to each other.
- A position penalty of N moves a car N places down the classification (not past the last
  classified car); it is applied after time penalties.
- Drops: with R rounds held and "drop worst N", each competitor's worst ``min(N, R - 1)`` rounds are
  discarded, so a competitor always keeps at least one round. A round not entered scores 0 and may
  be dropped. A DSQ cannot be dropped unless the rules say so.
- Countback compares the number of wins, then second places, ... over every round, dropped or not.
  Competitors still equal share the position.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    CLASSIFIED = "classified"
    NC = "nc"
    DNF = "dnf"
    DSQ = "dsq"
    DNS = "dns"


# Listing order of the unclassified statuses below the classified cars.
STATUS_ORDER = {
    Status.CLASSIFIED: 0,
    Status.NC: 1,
    Status.DNF: 2,
    Status.DSQ: 3,
    Status.DNS: 4,
}
STARTERS = frozenset({Status.CLASSIFIED, Status.NC, Status.DNF})


class ClassificationError(ValueError):
    """The lines cannot be classified; ``key`` names the offending line."""

    def __init__(self, message: str, *, key: str) -> None:
        super().__init__(message)
        self.key = key


# --------------------------------------------------------------------------- classification


@dataclass(frozen=True)
class Line:
    """One car's raw result in a session, before penalties.

    ``road_position`` is the order on the road (as the timing system or the organizer gave it);
    it orders the classified lines and breaks ties between equal laps and times.
    """

    key: str
    status: Status
    road_position: int | None = None
    laps: int | None = None
    total_ms: int | None = None
    best_lap_ms: int | None = None
    best_lap_no: int | None = None
    penalty_ms: int = 0
    penalty_positions: int = 0


@dataclass(frozen=True)
class ClassifiedLine:
    key: str
    status: Status
    position: int | None
    laps: int | None
    total_ms: int | None  # includes the time penalty
    gap_ms: int | None = None  # to the winner, when on the same lap
    gap_laps: int | None = None  # laps behind the winner, when not on the same lap
    interval_ms: int | None = None
    interval_laps: int | None = None
    best_lap_ms: int | None = None
    best_lap_no: int | None = None
    fastest_lap: bool = False
    positions_lost: int = 0  # places lost to penalties


def _adjusted_total(line: Line) -> int | None:
    if line.total_ms is None:
        return None
    return line.total_ms + line.penalty_ms


def _finishes_behind(car: Line, penalised: Line) -> bool:
    """Whether ``car`` finishes behind ``penalised`` once the penalty is added.

    A dead heat goes against the penalised car.
    """
    car_laps = car.laps or 0
    pen_laps = penalised.laps or 0
    if car_laps != pen_laps:
        return car_laps < pen_laps
    car_total = _adjusted_total(car)
    pen_total = _adjusted_total(penalised)
    assert pen_total is not None
    return car_total is None or car_total > pen_total


def _apply_time_penalties(order: list[Line]) -> list[Line]:
    result = list(order)
    for line in order:
        if line.penalty_ms <= 0:
            continue
        index = result.index(line)
        result.pop(index)
        # A penalty never promotes: look for the first car from the old place onwards that the
        # penalised car still beats.
        insert_at = len(result)
        for candidate_index in range(index, len(result)):
            if _finishes_behind(result[candidate_index], line):
                insert_at = candidate_index
                break
        result.insert(insert_at, line)
    return result


def _apply_position_penalties(order: list[Line]) -> list[Line]:
    # A car dropped N places goes just behind the car that was N places behind it; the half
    # keeps the displaced car ahead, the index keeps several penalised cars in their own order.
    last = len(order) - 1
    keyed = [
        (min(index + line.penalty_positions, last) + (0.5 if line.penalty_positions else 0), index)
        for index, line in enumerate(order)
    ]
    return [order[index] for _, index in sorted(keyed)]


def _check(lines: Sequence[Line]) -> None:
    seen_keys: set[str] = set()
    seen_positions: set[int] = set()
    for line in lines:
        if line.key in seen_keys:
            raise ClassificationError(f"duplicate car {line.key}", key=line.key)
        seen_keys.add(line.key)
        if line.penalty_ms < 0 or line.penalty_positions < 0:
            raise ClassificationError("a penalty cannot be negative", key=line.key)
        if line.status is Status.CLASSIFIED:
            if line.road_position is None:
                raise ClassificationError("a classified car needs a position", key=line.key)
            if line.road_position in seen_positions:
                raise ClassificationError(f"duplicate position {line.road_position}", key=line.key)
            seen_positions.add(line.road_position)
            if line.penalty_ms and line.total_ms is None:
                raise ClassificationError("a time penalty needs a total time", key=line.key)


def _gap(leader: Line, car: Line) -> tuple[int | None, int | None]:
    """(gap_ms, gap_laps) of ``car`` behind ``leader``."""
    leader_laps = leader.laps or 0
    car_laps = car.laps or 0
    if leader_laps > car_laps:
        return None, leader_laps - car_laps
    leader_total = _adjusted_total(leader)
    car_total = _adjusted_total(car)
    if leader_total is None or car_total is None:
        return None, None
    return max(car_total - leader_total, 0), None


def _best_lap_gap(leader: Line, car: Line) -> tuple[int | None, int | None]:
    if leader.best_lap_ms is None or car.best_lap_ms is None:
        return None, None
    return max(car.best_lap_ms - leader.best_lap_ms, 0), None


def classify(lines: Sequence[Line], *, best_lap_gaps: bool = False) -> list[ClassifiedLine]:
    """The official classification of a session's lines (see the module's rules).

    ``best_lap_gaps`` is for practice and qualifying, where the order comes from the best lap
    and gaps are measured between best laps rather than total times.
    """
    gap_of = _best_lap_gap if best_lap_gaps else _gap
    _check(lines)
    classified = sorted(
        (line for line in lines if line.status is Status.CLASSIFIED),
        key=lambda line: line.road_position or 0,
    )
    road_index = {line.key: index for index, line in enumerate(classified)}
    ordered = _apply_position_penalties(_apply_time_penalties(classified))
    others = sorted(
        (line for line in lines if line.status is not Status.CLASSIFIED),
        key=lambda line: (
            STATUS_ORDER[line.status],
            -(line.laps or 0),
            line.road_position if line.road_position is not None else 10**9,
            line.key,
        ),
    )

    fastest = _fastest_lap_key(lines)
    result: list[ClassifiedLine] = []
    leader: Line | None = ordered[0] if ordered else None
    previous: Line | None = None
    for index, line in enumerate(ordered):
        gap_ms = gap_laps = interval_ms = interval_laps = None
        if leader is not None and index > 0:
            gap_ms, gap_laps = gap_of(leader, line)
        if previous is not None:
            interval_ms, interval_laps = gap_of(previous, line)
        result.append(
            ClassifiedLine(
                key=line.key,
                status=line.status,
                position=index + 1,
                laps=line.laps,
                total_ms=_adjusted_total(line),
                gap_ms=gap_ms,
                gap_laps=gap_laps,
                interval_ms=interval_ms,
                interval_laps=interval_laps,
                best_lap_ms=line.best_lap_ms,
                best_lap_no=line.best_lap_no,
                fastest_lap=line.key == fastest,
                positions_lost=max(index - road_index[line.key], 0),
            )
        )
        previous = line
    for line in others:
        result.append(
            ClassifiedLine(
                key=line.key,
                status=line.status,
                position=None,
                laps=line.laps,
                total_ms=line.total_ms,
                best_lap_ms=line.best_lap_ms,
                best_lap_no=line.best_lap_no,
                fastest_lap=line.key == fastest,
            )
        )
    return result


def _fastest_lap_key(lines: Iterable[Line]) -> str | None:
    """The car with the session's best lap; the one that set it first wins a tie.

    A disqualified car's laps do not count.
    """
    candidates = [
        line
        for line in lines
        if line.best_lap_ms is not None and line.status not in (Status.DSQ, Status.DNS)
    ]
    if not candidates:
        return None
    best = min(
        candidates,
        key=lambda line: (
            line.best_lap_ms,
            line.best_lap_no if line.best_lap_no is not None else 10**9,
            line.key,
        ),
    )
    return best.key


# --------------------------------------------------------------------------- points


@dataclass(frozen=True)
class PointsScale:
    """A points scale as data.

    ``positions[0]`` is the winner's points. ``fastest_lap_top`` limits the fastest-lap point to
    cars classified in that many places (0: any classified car); ``starting`` goes to every car
    that took the start (classified, NC, DNF); ``finishing`` to every classified car.
    """

    positions: tuple[int, ...] = ()
    pole: int = 0
    fastest_lap: int = 0
    fastest_lap_top: int = 0
    finishing: int = 0
    starting: int = 0

    def __post_init__(self) -> None:
        values = (
            *self.positions,
            self.pole,
            self.fastest_lap,
            self.fastest_lap_top,
            self.finishing,
            self.starting,
        )
        if any(value < 0 for value in values):
            raise ValueError("points cannot be negative")

    def for_position(self, position: int | None) -> int:
        if position is None or position < 1 or position > len(self.positions):
            return 0
        return self.positions[position - 1]


@dataclass(frozen=True)
class PromotionRule:
    """The top ``top`` of ``class_code`` (with at least ``min_rounds`` starts) must move up."""

    class_code: str
    top: int
    to_class: str = ""
    min_rounds: int = 0


@dataclass(frozen=True)
class Rules:
    scale: PointsScale
    drop_worst: int = 0
    dsq_droppable: bool = False
    promotions: tuple[PromotionRule, ...] = ()


@dataclass(frozen=True)
class RoundLine:
    """One competitor's classified result in a championship round."""

    competitor: str
    status: Status
    position: int | None = None  # overall position in the session (classified only)
    class_code: str = ""
    name: str = ""
    best_lap_ms: int | None = None
    best_lap_no: int | None = None
    pole: bool = False  # quickest in the class in qualifying; the caller decides


@dataclass(frozen=True)
class Round:
    key: str
    lines: tuple[RoundLine, ...]


@dataclass(frozen=True)
class RoundScore:
    round_key: str
    points: int
    status: Status | None  # None: did not take part
    class_position: int | None = None
    pole: bool = False
    fastest_lap: bool = False
    dropped: bool = False


@dataclass(frozen=True)
class Standing:
    position: int
    competitor: str
    name: str
    class_code: str
    total: int  # after drops
    gross: int  # before drops
    scores: tuple[RoundScore, ...]
    countback: tuple[int, ...] = ()
    tied: bool = False
    promoted: bool = False
    promoted_to: str = ""
    starts: int = 0
    wins: int = 0

    @property
    def dropped_points(self) -> int:
        return self.gross - self.total


@dataclass
class _Accumulator:
    name: str = ""
    scores: dict[str, RoundScore] = field(default_factory=dict)


def score_round(round_: Round, scale: PointsScale) -> dict[tuple[str, str], RoundScore]:
    """Points of every competitor in one round, keyed by (class_code, competitor).

    Positions and the fastest lap are counted within each class.
    """
    scores: dict[tuple[str, str], RoundScore] = {}
    by_class: dict[str, list[RoundLine]] = defaultdict(list)
    for line in round_.lines:
        by_class[line.class_code].append(line)
    for class_code, lines in by_class.items():
        classified = sorted(
            (line for line in lines if line.status is Status.CLASSIFIED and line.position),
            key=lambda line: (line.position or 0, line.competitor),
        )
        class_positions = {line.competitor: index + 1 for index, line in enumerate(classified)}
        fastest = _fastest_lap_key(
            Line(
                key=line.competitor,
                status=line.status,
                best_lap_ms=line.best_lap_ms,
                best_lap_no=line.best_lap_no,
            )
            for line in lines
        )
        for line in lines:
            class_position = class_positions.get(line.competitor)
            points = 0
            fastest_lap = False
            if line.status is Status.CLASSIFIED and class_position is not None:
                points += scale.for_position(class_position) + scale.finishing
                fastest_lap = line.competitor == fastest and (
                    scale.fastest_lap_top == 0 or class_position <= scale.fastest_lap_top
                )
                if fastest_lap:
                    points += scale.fastest_lap
            if line.status in STARTERS:
                points += scale.starting
            pole = line.pole and line.status is not Status.DSQ
            if pole:
                points += scale.pole
            scores[(class_code, line.competitor)] = RoundScore(
                round_key=round_.key,
                points=points,
                status=line.status,
                class_position=class_position,
                pole=pole,
                fastest_lap=fastest_lap,
            )
    return scores


def _apply_drops(scores: list[RoundScore], rules: Rules) -> list[RoundScore]:
    drops = min(rules.drop_worst, max(len(scores) - 1, 0))
    droppable = [score for score in scores if rules.dsq_droppable or score.status is not Status.DSQ]
    # Ties between equal scores go to the round key so the choice is deterministic; the total
    # does not depend on it.
    worst = sorted(droppable, key=lambda score: (score.points, score.round_key))[:drops]
    dropped_keys = {score.round_key for score in worst}
    return [
        RoundScore(
            round_key=score.round_key,
            points=score.points,
            status=score.status,
            class_position=score.class_position,
            pole=score.pole,
            fastest_lap=score.fastest_lap,
            dropped=score.round_key in dropped_keys,
        )
        for score in scores
    ]


def _countback(scores: Iterable[RoundScore], depth: int) -> tuple[int, ...]:
    counts = Counter(score.class_position for score in scores if score.class_position)
    return tuple(counts.get(position, 0) for position in range(1, depth + 1))


def compute_standings(rounds: Sequence[Round], rules: Rules) -> dict[str, list[Standing]]:
    """The standings of every class over the rounds held, best first."""
    round_keys = [round_.key for round_ in rounds]
    if len(set(round_keys)) != len(round_keys):
        raise ValueError("duplicate round key")
    competitors: dict[str, dict[str, _Accumulator]] = defaultdict(lambda: defaultdict(_Accumulator))
    depth = 1
    for round_ in rounds:
        for (class_code, competitor), score in score_round(round_, rules.scale).items():
            accumulator = competitors[class_code][competitor]
            accumulator.scores[round_.key] = score
            depth = max(depth, score.class_position or 0)
        for line in round_.lines:
            if line.name:
                competitors[line.class_code][line.competitor].name = line.name

    standings: dict[str, list[Standing]] = {}
    for class_code, by_competitor in competitors.items():
        rows: list[Standing] = []
        for competitor, accumulator in by_competitor.items():
            scores = [
                accumulator.scores.get(key, RoundScore(round_key=key, points=0, status=None))
                for key in round_keys
            ]
            scores = _apply_drops(scores, rules)
            rows.append(
                Standing(
                    position=0,
                    competitor=competitor,
                    name=accumulator.name or competitor,
                    class_code=class_code,
                    total=sum(score.points for score in scores if not score.dropped),
                    gross=sum(score.points for score in scores),
                    scores=tuple(scores),
                    countback=_countback(scores, depth),
                    starts=sum(1 for score in scores if score.status in STARTERS),
                    wins=sum(1 for score in scores if score.class_position == 1),
                )
            )
        standings[class_code] = _rank(rows, class_code, rules.promotions)
    return standings


def standing_key(standing: Standing) -> tuple[int, tuple[int, ...]]:
    """Bigger is better: total, then countback."""
    return (standing.total, standing.countback)


def _rank(
    rows: list[Standing], class_code: str, promotions: Sequence[PromotionRule]
) -> list[Standing]:
    rows.sort(key=lambda row: (_negated(standing_key(row)), row.name, row.competitor))
    keys = [standing_key(row) for row in rows]
    key_counts = Counter(keys)
    ranked: list[Standing] = []
    position = 0
    for index, row in enumerate(rows):
        if index == 0 or keys[index] != keys[index - 1]:
            position = index + 1
        ranked.append(_replace(row, position=position, tied=key_counts[keys[index]] > 1))
    for rule in promotions:
        if rule.class_code != class_code:
            continue
        eligible = [row for row in ranked if row.starts >= rule.min_rounds and row.total > 0]
        # Rank among the eligible, so an ineligible competitor does not take a promotion place;
        # everyone tied on the last promotion place moves up.
        cut_key = standing_key(eligible[rule.top - 1]) if 0 < rule.top <= len(eligible) else None
        promoted = {
            row.competitor
            for index, row in enumerate(eligible)
            if index < rule.top or (cut_key is not None and standing_key(row) == cut_key)
        }
        ranked = [
            _replace(row, promoted=True, promoted_to=rule.to_class)
            if row.competitor in promoted
            else row
            for row in ranked
        ]
    return ranked


def _negated(key: tuple[int, tuple[int, ...]]) -> tuple[int, tuple[int, ...]]:
    return (-key[0], tuple(-count for count in key[1]))


def _replace(row: Standing, **changes: Any) -> Standing:
    return replace(row, **changes)
