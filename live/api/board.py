"""Live timing in the read API, mounted by config/api.py under /api/live/.

The snapshot here is the same document a spectator socket sends first (without its `type`), so a
client can poll this endpoint or take the socket and apply deltas from its `seq`.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from live.queries.board import get_snapshot
from live.queries.racecontrol import get_spectator_session, race_control_log
from live.queries.replay import get_replayable, snapshot_at

router = Router(tags=["live"])


class LiveSessionInfo(Schema):
    id: int
    name: str
    mode: Literal["race", "practice", "qualifying"]


class StandingsRow(Schema):
    key: str = Field(description="Stable id of the row; deltas refer to rows by it.")
    position: int
    number: str
    name: str
    class_: str = Field(alias="class")
    class_position: int
    laps: int
    total_ms: int | None
    last_lap_ms: int | None
    best_lap_ms: int | None
    best_lap_no: int | None
    gap_ms: int | None = Field(description="Milliseconds behind the leader; null when laps down.")
    gap_laps: int | None = Field(
        description="Whole laps behind the leader, 0 on the same lap; null while the car has no time."
    )
    interval_ms: int | None = Field(description="Milliseconds behind the car directly ahead.")
    interval_laps: int | None = Field(
        description="Whole laps behind the car directly ahead; null while the car has no time."
    )
    pb: bool = Field(description="The last lap is this car's best.")
    sb: bool = Field(description="This car holds the session's best lap.")
    in_pit: bool
    lap_position: int | None = Field(
        None,
        description="Position when the car completed its latest lap (where it appeared, before one).",
    )
    places_gained: int | None = Field(
        None,
        description="Places gained (positive) or lost (negative) over the car's latest lap; "
        "null until it has completed one.",
    )
    finished: bool = Field(
        False, description="The car has taken the chequered flag (crossed after the winner)."
    )
    stops: int = Field(0, description="Pit stops so far.")
    stint_laps: int | None = Field(
        None, description="Laps since the last pit stop (or the start); null while in the pits."
    )


class BoardMessage(Schema):
    id: int
    kind: Literal["flag", "incident", "penalty", "track_limits", "investigation", "note", "record"]
    flag: str = Field(description="For flags: green, yellow, double_yellow, red, safety_car...")
    sector: int | None
    car: str = Field(description="Car number the message is about, or empty.")
    text: str
    penalty: str = Field(
        description="warning, time, drive_through, stop_go, positions, dsq, or empty."
    )
    penalty_seconds: int | None
    penalty_positions: int | None
    record: str = Field(description="For records: track, class or session (a session best).")
    lap_ms: int | None
    class_: str = Field(alias="class")
    at: str | None = Field(description="When it was posted (ISO 8601).")


class LiveSnapshot(Schema):
    seq: int = Field(description="Deltas with a higher seq apply on top of this snapshot.")
    flag: Literal["green", "yellow", "red", "finish", "none"]
    laps_to_go: int | None
    time_to_go_ms: int | None
    elapsed_ms: int | None
    session: LiveSessionInfo
    final_lap: int | None = Field(
        None, description="The leader's last lap, from laps-to-go or time-to-go, when known."
    )
    white_flag: bool = Field(False, description="The leader is on its last lap.")
    chequered: bool = Field(False, description="The leader has taken the chequered flag.")
    messages: list[BoardMessage] = Field(
        default_factory=list, description="Public race-control messages, newest first (20)."
    )
    rows: list[StandingsRow]


class RunsSessionInfo(Schema):
    id: int
    name: str
    mode: Literal["timed_runs"]
    runs: int = Field(description="Runs per car.")
    runs_counted: int = Field(description="1: the best run counts; K: the sum of the best K.")
    indexed: bool = Field(description="Class indexes apply: rows carry indexed times.")


class LastRun(Schema):
    run: int
    time_ms: int | None
    cones: int
    gates: int
    status: Literal["ok", "dnf", "dns", "dsq", "off"]
    penalised_ms: int | None = Field(
        description="Time with penalties; null: the run scores nothing."
    )


class RunsRow(Schema):
    key: str = Field(description="The car number; deltas refer to rows by it.")
    position: int | None
    class_position: int | None
    indexed_position: int | None
    number: str
    name: str
    class_: str = Field(alias="class")
    status: str = Field(description="classified, dnf, dsq or dns; empty before a first run.")
    on_course: bool
    last: LastRun | None
    best_ms: int | None = Field(description="The best run, or the sum of the best K.")
    indexed_ms: int | None
    runs_done: int
    runs_left: int


class RunsSnapshot(Schema):
    """A timed-runs board (gymkhana, autocross): the same protocol, rows of runs."""

    seq: int
    flag: Literal["none"]
    laps_to_go: None
    time_to_go_ms: None
    elapsed_ms: None
    session: RunsSessionInfo
    rows: list[RunsRow]


class EfficiencySessionInfo(Schema):
    id: int
    name: str
    mode: Literal["efficiency"]


class EfficiencyRow(Schema):
    key: str = Field(description="The car number; deltas refer to rows by it.")
    position: int | None = Field(description="Null when not classified (see standing).")
    standing: Literal[
        "classified", "over_time", "awaiting_energy", "no_distance", "dnf", "dns", "dsq"
    ]
    number: str
    name: str
    kwh_per_100km: str | None = Field(description="Energy per 100 km, three places; lower wins.")
    penalty_percent: str | None = Field(description="Over-time penalty added, in per cent.")
    energy_kwh: str | None
    distance_km: str | None
    elapsed_ms: int | None


class EfficiencySnapshot(Schema):
    """An NEV efficiency board: the same protocol, rows of energy per distance."""

    seq: int
    flag: Literal["none"]
    laps_to_go: None
    time_to_go_ms: None
    elapsed_ms: None
    session: EfficiencySessionInfo
    rows: list[EfficiencyRow]


@router.get(
    "/sessions/{session_id}/",
    response=LiveSnapshot | RunsSnapshot | EfficiencySnapshot,
    by_alias=True,
    summary="Current standings of a live session",
    url_name="live-session-snapshot",
)
def live_session_snapshot(request: HttpRequest, session_id: int) -> dict[str, Any]:
    snapshot = get_snapshot(session_id=session_id)
    if snapshot is None:
        raise Http404
    return snapshot


@router.get(
    "/sessions/{session_id}/messages/",
    response=list[BoardMessage],
    by_alias=True,
    summary="Race control's public log of a live session, newest first",
    url_name="live-session-messages",
)
def live_session_messages(request: HttpRequest, session_id: int) -> list[dict[str, Any]]:
    session = get_spectator_session(session_id)
    return [message.board_dict() for message in race_control_log(session, staff=False)[:500]]


class ReplayQuery(Schema):
    seq: int | None = Field(
        None,
        ge=0,
        le=10**15,
        description="The position: 0 is the empty board; without it, the board at the end.",
    )


@router.get(
    "/sessions/{session_id}/replay/",
    response=LiveSnapshot | RunsSnapshot | EfficiencySnapshot,
    by_alias=True,
    summary="Standings of a finished live session at any seq",
    description="The board as it was at `seq`, folded from the stored deltas (the replay's "
    "data); 404 when the session is not finished or `seq` is past its end.",
    url_name="live-session-replay",
)
def live_session_replay(
    request: HttpRequest, session_id: int, query: Query[ReplayQuery]
) -> dict[str, Any]:
    session = get_replayable(session_id=session_id)
    seq = session.seq if session is not None and query.seq is None else query.seq
    if session is None or seq is None or seq > session.seq:
        raise Http404
    return snapshot_at(session, seq=seq)
