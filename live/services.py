"""Writes to live sessions: create, apply timing events, finish, and hand results to events.

Every change to a session's standings happens here, under `select_for_update` on the session
row, so two ingest processes (or an ingest and a staff action) never interleave their seq
numbers. Each call that changes the board increments `seq` once, stores the new snapshot and its
delta in the same transaction, and publishes the delta only after commit: a spectator must never
receive a delta for a change that was rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from live import broadcast
from live.exceptions import SessionFinished
from live.models import LiveDelta, LiveFeedChunk, LiveSession, LiveTransponder
from live.standings import MODES, State, apply, diff, snapshot
from live.timing import Competitor, TimingEvent, TransponderPassing
from live.transponders import resolve_transponder

logger = logging.getLogger(__name__)

# P3 passings closer than this are a double read of one crossing; no real lap is this short.
DEFAULT_MIN_LAP_MS = 20_000


def session_info(session: LiveSession) -> dict[str, Any]:
    return {"id": session.pk, "name": session.name, "mode": session.mode}


def create_live_session(
    *,
    name: str,
    mode: str = LiveSession.Mode.RACE,
    source: str = LiveSession.Source.RMONITOR,
    event_session: Any = None,
    min_lap_ms: int = DEFAULT_MIN_LAP_MS,
) -> LiveSession:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    with transaction.atomic():
        session = LiveSession.objects.create(
            name=name,
            mode=mode,
            source=source,
            event_session=event_session,
            min_lap_ms=min_lap_ms,
        )
        state = _state(session)
        session.engine_state = state.to_json()
        session.snapshot = snapshot(state, seq=0, session=session_info(session))
        session.save(update_fields=["engine_state", "snapshot"])
    return session


def _state(session: LiveSession) -> State:
    state = State.from_json(session.engine_state)
    # The session row is the authority on mode and filter: staff may change them mid-session.
    state.mode = session.mode
    state.min_lap_ms = session.min_lap_ms
    return state


def apply_timing_events(
    *,
    session_id: int,
    events: Sequence[TimingEvent],
    raw: bytes = b"",
    raw_format: str = "",
    rejected: int = 0,
) -> int | None:
    """Apply a batch of timing events as one change; returns the new seq, or None if the board
    did not change.

    A batch is what arrived together (one socket read, one replay step): one transaction and at
    most one delta, so a burst of records costs one write, not one per record.
    """
    with transaction.atomic():
        session = LiveSession.objects.select_for_update().get(pk=session_id)
        if session.status == LiveSession.Status.FINISHED:
            raise SessionFinished(session_id)
        state = _state(session)
        for event in events:
            if isinstance(event, TransponderPassing) and not any(
                car.transponder == event.transponder for car in state.cars.values()
            ):
                apply(state, resolve_transponder(session=session, transponder=event.transponder))
            apply(state, event)
        if raw:
            LiveFeedChunk.objects.create(session=session, format=raw_format, data=raw)
        if rejected:
            session.rejected_records += rejected
            logger.warning("live session %s: %d bad timing records dropped", session_id, rejected)
        session.engine_state = state.to_json()
        fresh = snapshot(state, seq=session.seq + 1, session=session_info(session))
        body = diff(session.snapshot, fresh)
        changed_fields = ["engine_state", "rejected_records", "updated_at"]
        if body is None:
            session.save(update_fields=changed_fields)
            return None
        session.seq += 1
        session.snapshot = fresh
        if session.status == LiveSession.Status.PENDING:
            session.status = LiveSession.Status.LIVE
        session.save(update_fields=[*changed_fields, "seq", "snapshot", "status"])
        message = {"type": "delta", "seq": session.seq, **body}
        LiveDelta.objects.create(session=session, seq=session.seq, payload=message)
        transaction.on_commit(lambda: broadcast.publish(session_id, message))
        return session.seq


def map_transponder(
    *, session_id: int, transponder: int, number: str, name: str = "", class_name: str = ""
) -> int | None:
    """Staff name an ad hoc transponder row on the board; returns the seq of the change."""
    with transaction.atomic():
        session = LiveSession.objects.select_for_update().get(pk=session_id)
        LiveTransponder.objects.update_or_create(
            session=session,
            transponder=transponder,
            defaults={"number": number, "name": name, "class_name": class_name},
        )
    event = Competitor(
        reg_no=f"t{transponder}",
        number=number,
        first_name=name,
        transponder=transponder,
        class_name=class_name,
    )
    return apply_timing_events(session_id=session_id, events=[event])


def finish_live_session(*, session_id: int) -> LiveSession:
    """Staff close the session: no more timing is applied, and its standings can be published."""
    with transaction.atomic():
        session = LiveSession.objects.select_for_update().get(pk=session_id)
        if session.status != LiveSession.Status.FINISHED:
            session.status = LiveSession.Status.FINISHED
            session.save(update_fields=["status", "updated_at"])
    return session


CLASSIFICATION_FIELDS = (
    "position",
    "number",
    "name",
    "class",
    "class_position",
    "laps",
    "total_ms",
    "best_lap_ms",
    "best_lap_no",
    "gap_ms",
    "gap_laps",
)


def final_classification(session: LiveSession) -> list[dict[str, Any]]:
    """The session's standings as plain rows for the events results service (issue 7).

    One dict per car in finishing order with the fields above (times in integer ms, null for no
    time) plus `transponder` where the car was timed by one. Staff review these before publishing;
    nothing here writes to events.
    """
    state = State.from_json(session.engine_state)
    transponders = {key: car.transponder for key, car in state.cars.items()}
    return [
        {
            **{name: row[name] for name in CLASSIFICATION_FIELDS},
            "transponder": transponders.get(row["key"]),
        }
        for row in session.snapshot.get("rows", [])
    ]
