"""Timed runs (gymkhana, autocross, hill climb, sprint, drag): scoring, pure Python.

Each competitor makes up to ``runs`` runs. A run's penalised time is its time plus
``penalty_ms_per_cone`` per cone down and ``penalty_ms_per_gate`` per missed gate. Rules chosen
here (documented because series differ):

- Only runs with status ``ok`` (or ``off`` when ``off_course_ms`` > 0, which then adds that
  penalty) have a penalised time. DNF, DNS, DSQ and, by default, off-course runs score nothing.
- The score is the best penalised run (``runs_counted`` = 1) or the sum of the best K penalised
  runs (``runs_counted`` = K); a competitor with fewer than K valid runs is not classified.
- Ties are broken by the next-best run, then the one after, and so on (a competitor with a next
  run beats one without); still equal, the lower car number goes first so positions stay unique.
- An optional index per class multiplies the score (``class_index``, e.g. 0.850), rounded to the
  millisecond (halves up), giving an indexed overall next to the raw one. Classes not listed run at 1.000.
- Unclassified competitors are listed after the classified ones: DNF (some run made), DSQ (every
  run made was disqualified), then DNS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

OK = "ok"
DNF = "dnf"
DNS = "dns"
DSQ = "dsq"
OFF_COURSE = "off"
RUN_STATUSES = (OK, DNF, DNS, DSQ, OFF_COURSE)

# What an unclassified competitor is listed as.
CLASSIFIED = "classified"

DEFAULT_RUNS = 3
MAX_RUNS = 20
DEFAULT_PENALTY_MS_PER_CONE = 2000
DEFAULT_PENALTY_MS_PER_GATE = 10_000
MAX_RUN_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class Rules:
    runs: int = DEFAULT_RUNS
    runs_counted: int = 1
    penalty_ms_per_cone: int = DEFAULT_PENALTY_MS_PER_CONE
    penalty_ms_per_gate: int = DEFAULT_PENALTY_MS_PER_GATE
    off_course_ms: int = 0  # 0: an off-course run does not count; else the penalty it takes
    class_index: Mapping[str, float] = field(default_factory=dict)
    run_groups: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rules:
        names = cls.__dataclass_fields__.keys()
        return cls(**{name: data[name] for name in names if name in data})


@dataclass(frozen=True)
class Run:
    run: int
    time_ms: int | None
    cones: int = 0
    gates: int = 0
    status: str = OK


@dataclass(frozen=True)
class Competitor:
    key: str  # the car number
    class_name: str = ""
    runs: tuple[Run, ...] = ()


@dataclass(frozen=True)
class ScoredRun:
    run: int
    time_ms: int | None
    cones: int
    gates: int
    status: str
    penalised_ms: int | None  # None when the run does not count at all
    counted: bool


@dataclass(frozen=True)
class Scored:
    key: str
    class_name: str
    status: str  # CLASSIFIED, DNF, DSQ or DNS
    runs: tuple[ScoredRun, ...]
    score_ms: int | None  # best run, or the sum of the best K
    indexed_ms: int | None
    position: int | None
    class_position: int | None
    indexed_position: int | None
    runs_left: int


def penalised_ms(run: Run, rules: Rules) -> int | None:
    """The run's time with its penalties, or None when it does not count."""
    if run.time_ms is None:
        return None
    if run.status == OK:
        extra = 0
    elif run.status == OFF_COURSE and rules.off_course_ms > 0:
        extra = rules.off_course_ms
    else:
        return None
    return (
        run.time_ms
        + run.cones * rules.penalty_ms_per_cone
        + run.gates * rules.penalty_ms_per_gate
        + extra
    )


def indexed(ms: int, index: float) -> int:
    """A time times an index, to the millisecond, halves rounded up (53.250 x 0.802 = 42.707)."""
    exact = Decimal(ms) * Decimal(str(index))
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _car_order(key: str) -> tuple[int, int, str]:
    # Car numbers compare as numbers when they are numbers: 9 before 10.
    return (0, int(key), key) if key.isdigit() else (1, 0, key)


@dataclass
class _Work:
    competitor: Competitor
    runs: tuple[ScoredRun, ...]
    valid: list[int]  # penalised times, best first
    score_ms: int | None
    indexed_ms: int | None
    index: float


def _score_one(competitor: Competitor, rules: Rules) -> _Work:
    ordered = sorted(competitor.runs, key=lambda r: r.run)
    penalised = [(penalised_ms(run, rules), run) for run in ordered]
    valid = sorted(
        ((ms, run.run) for ms, run in penalised if ms is not None), key=lambda pair: pair
    )
    counted_runs = {number for _, number in valid[: rules.runs_counted]}
    enough = len(valid) >= rules.runs_counted
    runs = tuple(
        ScoredRun(
            run=run.run,
            time_ms=run.time_ms,
            cones=run.cones,
            gates=run.gates,
            status=run.status,
            penalised_ms=ms,
            counted=enough and run.run in counted_runs,
        )
        for ms, run in penalised
    )
    score = sum(ms for ms, _ in valid[: rules.runs_counted]) if enough else None
    index = float(rules.class_index.get(competitor.class_name, 1.0))
    indexed_ms = indexed(score, index) if score is not None and rules.class_index else None
    return _Work(competitor, runs, [ms for ms, _ in valid], score, indexed_ms, index)


def _rank_key(work: _Work, with_index: bool, runs_counted: int) -> tuple[Any, ...]:
    score = work.indexed_ms if with_index else work.score_ms
    # Next-best runs, in order; a missing run sorts after any time.
    rest = work.valid[runs_counted:]
    if with_index:
        rest = [indexed(ms, work.index) for ms in rest]
    padded = tuple(rest) + (MAX_RUN_MS * 10,) * (MAX_RUNS - len(rest))
    return (score, padded, _car_order(work.competitor.key))


def score(competitors: Sequence[Competitor], rules: Rules) -> list[Scored]:
    """Every competitor scored and ranked: classified first (raw order), then DNF, then DNS."""
    works = [_score_one(c, rules) for c in competitors]
    classified = sorted(
        (w for w in works if w.score_ms is not None),
        key=lambda w: _rank_key(w, False, rules.runs_counted),
    )
    position = {w.competitor.key: i for i, w in enumerate(classified, start=1)}
    class_position: dict[str, int] = {}
    in_class: dict[str, int] = {}
    for w in classified:
        in_class[w.competitor.class_name] = in_class.get(w.competitor.class_name, 0) + 1
        class_position[w.competitor.key] = in_class[w.competitor.class_name]
    indexed_position: dict[str, int] = {}
    if rules.class_index:
        by_index = sorted(classified, key=lambda w: _rank_key(w, True, rules.runs_counted))
        indexed_position = {w.competitor.key: i for i, w in enumerate(by_index, start=1)}

    def unclassified_status(w: _Work) -> str:
        made = [r for r in w.runs if r.status != DNS]
        if made and all(r.status == DSQ for r in made):
            return DSQ
        return DNF if made else DNS

    others = sorted(
        (w for w in works if w.score_ms is None),
        key=lambda w: (
            (DNF, DSQ, DNS).index(unclassified_status(w)),
            -len(w.valid),
            _car_order(w.competitor.key),
        ),
    )
    result = []
    for w in [*classified, *others]:
        key = w.competitor.key
        result.append(
            Scored(
                key=key,
                class_name=w.competitor.class_name,
                status=CLASSIFIED if w.score_ms is not None else unclassified_status(w),
                runs=w.runs,
                score_ms=w.score_ms,
                indexed_ms=w.indexed_ms,
                position=position.get(key),
                class_position=class_position.get(key),
                indexed_position=indexed_position.get(key),
                runs_left=max(rules.runs - len(w.runs), 0),
            )
        )
    return result


def run_group(rules: Rules, class_name: str) -> int:
    return int(rules.run_groups.get(class_name, 1))


def running_order(cars: Sequence[tuple[str, str, int]], rules: Rules) -> list[tuple[str, int]]:
    """Who runs next: (car, run group) for every car with runs left, given (car, class, runs
    made). Group by group; within a group, the cars with the fewest runs made first, then by car
    number, so each round of runs goes through the group in the same order."""
    waiting = [
        (run_group(rules, class_name), made, _car_order(key), key)
        for key, class_name, made in cars
        if made < rules.runs
    ]
    return [(key, group) for group, _made, _order, key in sorted(waiting)]
