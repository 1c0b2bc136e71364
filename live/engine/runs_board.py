"""The timed-runs board and the pairing of start and finish loop passings. Pure, no Django.

Board rows come from the scored runs (events.engine.timed_runs): position raw and indexed, the
last run with its penalties, the best (or total), runs left, and whether the car is on course
now. Rows travel in the same snapshot + delta messages as a race board (live.engine.standings
`diff`), keyed by car number.

Pairing: a P3 decoder on the start loop and one on the finish loop. A start passing opens a run
for the transponder (a second start read while open is a double read, ignored); the next finish
passing of that transponder closes it: the run time is finish minus start, in whole milliseconds
(truncated, as timing systems do). A finish passing with no open run is ignored (a car driving
back through the finish, or a start that was missed: staff type that run in).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from events.engine.timed_runs import Scored
from live.engine.timing import TimingEvent, TransponderPassing

ROW_FIELDS = (
    "key",
    "position",
    "class_position",
    "indexed_position",
    "number",
    "name",
    "class",
    "status",
    "on_course",
    "last",
    "best_ms",
    "indexed_ms",
    "runs_done",
    "runs_left",
)


def board_rows(
    scored: Sequence[Scored],
    *,
    names: Mapping[str, str],
    on_course: Iterable[str],
    runs: int,
) -> list[dict[str, Any]]:
    """One row per car: the scored ones in their order, then cars on course with no run yet."""
    moving = set(on_course)
    rows = []
    for item in scored:
        last = item.runs[-1] if item.runs else None
        rows.append(
            {
                "key": item.key,
                "position": item.position,
                "class_position": item.class_position,
                "indexed_position": item.indexed_position,
                "number": item.key,
                "name": names.get(item.key, ""),
                "class": item.class_name,
                "status": item.status,
                "on_course": item.key in moving,
                "last": None
                if last is None
                else {
                    "run": last.run,
                    "time_ms": last.time_ms,
                    "cones": last.cones,
                    "gates": last.gates,
                    "status": last.status,
                    "penalised_ms": last.penalised_ms,
                },
                "best_ms": item.score_ms,
                "indexed_ms": item.indexed_ms,
                "runs_done": len(item.runs),
                "runs_left": max(item.runs_left - (1 if item.key in moving else 0), 0),
            }
        )
    seen = {item.key for item in scored}
    for number in sorted(moving - seen, key=lambda n: (len(n), n)):
        rows.append(
            {
                "key": number,
                "position": None,
                "class_position": None,
                "indexed_position": None,
                "number": number,
                "name": names.get(number, ""),
                "class": "",
                "status": "",
                "on_course": True,
                "last": None,
                "best_ms": None,
                "indexed_ms": None,
                "runs_done": 0,
                "runs_left": max(runs - 1, 0),
            }
        )
    return rows


@dataclass(frozen=True)
class RunStarted:
    transponder: int


@dataclass(frozen=True)
class RunTimed:
    transponder: int
    time_ms: int


@dataclass
class Pairing:
    """Open runs by transponder: the start time in microseconds."""

    start_decoder: int
    finish_decoder: int
    open: dict[int, int] = field(default_factory=dict)
    # A run shorter than this is a double read across both loops, not a run.
    min_run_ms: int = 1000

    def to_json(self) -> dict[str, Any]:
        return {
            "start_decoder": self.start_decoder,
            "finish_decoder": self.finish_decoder,
            "open": {str(k): v for k, v in self.open.items()},
            "min_run_ms": self.min_run_ms,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, start: int, finish: int) -> Pairing:
        return cls(
            start_decoder=start,
            finish_decoder=finish,
            open={int(k): int(v) for k, v in (data.get("open") or {}).items()},
            min_run_ms=int(data.get("min_run_ms", 1000)),
        )


def pair(pairing: Pairing, events: Iterable[TimingEvent]) -> list[RunStarted | RunTimed]:
    """Fold passings into the pairing; returns the runs started and timed, in order."""
    out: list[RunStarted | RunTimed] = []
    for event in events:
        if not isinstance(event, TransponderPassing):
            continue
        tx = event.transponder
        if event.decoder_id == pairing.start_decoder:
            if tx not in pairing.open:
                pairing.open[tx] = event.time_us
                out.append(RunStarted(tx))
        elif event.decoder_id == pairing.finish_decoder and tx in pairing.open:
            elapsed_ms = (event.time_us - pairing.open[tx]) // 1000
            if elapsed_ms < pairing.min_run_ms:
                continue
            del pairing.open[tx]
            out.append(RunTimed(tx, elapsed_ms))
    return out
