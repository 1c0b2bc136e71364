"""Live timing in the read API, mounted by config/api.py under /api/live/.

The snapshot here is the same document a spectator socket sends first (without its `type`), so a
client can poll this endpoint or take the socket and apply deltas from its `seq`.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from live.queries.board import get_snapshot

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


class LiveSnapshot(Schema):
    seq: int = Field(description="Deltas with a higher seq apply on top of this snapshot.")
    flag: Literal["green", "yellow", "red", "finish", "none"]
    laps_to_go: int | None
    time_to_go_ms: int | None
    elapsed_ms: int | None
    session: LiveSessionInfo
    rows: list[StandingsRow]


@router.get(
    "/sessions/{session_id}/",
    response=LiveSnapshot,
    by_alias=True,
    summary="Current standings of a live session",
    url_name="live-session-snapshot",
)
def live_session_snapshot(request: HttpRequest, session_id: int) -> dict[str, Any]:
    snapshot = get_snapshot(session_id=session_id)
    if snapshot is None:
        raise Http404
    return snapshot
