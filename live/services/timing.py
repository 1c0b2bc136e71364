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
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from events.models import AuditLog
from live.engine.moves import with_moves
from live.engine.standings import MODES, State, apply, carries, set_identity, snapshot
from live.engine.timing import TimingEvent, TransponderPassing
from live.exceptions import MappingError, SessionFinished
from live.models import LiveFeedChunk, LiveSession, LiveTransponder
from live.services.boards import session_info, store_board
from live.services.records import announce_bests
from live.services.timed_runs import apply_run_passings
from live.services.transponders import entry_for_transponder, resolve_transponder

logger = logging.getLogger(__name__)

# P3 passings closer than this are a double read of one crossing; no real lap is this short.
DEFAULT_MIN_LAP_MS = 20_000


def create_live_session(
    *,
    name: str,
    mode: str = LiveSession.Mode.RACE,
    source: str = LiveSession.Source.RMONITOR,
    event_session: Any = None,
    min_lap_ms: int = DEFAULT_MIN_LAP_MS,
    feed_encoding: str = LiveSession.FeedEncoding.AUTO,
    layout: str = "",
    pit_in_decoder: int | None = None,
    pit_out_decoder: int | None = None,
) -> LiveSession:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    if feed_encoding not in LiveSession.FeedEncoding.values:
        raise ValueError(f"unknown feed encoding {feed_encoding!r}")
    with transaction.atomic():
        session = LiveSession.objects.create(
            name=name,
            mode=mode,
            source=source,
            event_session=event_session,
            min_lap_ms=min_lap_ms,
            feed_encoding=feed_encoding,
            layout=layout[:200],
            pit_in_decoder=pit_in_decoder,
            pit_out_decoder=pit_out_decoder,
        )
        state = session_state(session)
        session.engine_state = state.to_json()
        session.snapshot = snapshot(state, seq=0, session=session_info(session))
        session.save(update_fields=["engine_state", "snapshot"])
    return session


def session_state(session: LiveSession) -> State:
    state = State.from_json(session.engine_state)
    # The session row is the authority on mode and filter: staff may change them mid-session.
    state.mode = session.mode
    state.min_lap_ms = session.min_lap_ms
    state.pit_in_decoders = [session.pit_in_decoder] if session.pit_in_decoder is not None else []
    state.pit_out_decoders = (
        [session.pit_out_decoder] if session.pit_out_decoder is not None else []
    )
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
        if session.mode == LiveSession.Mode.TIMED_RUNS:
            # Loops time runs; the board follows the runs (live/services/timed_runs.py).
            if raw:
                LiveFeedChunk.objects.create(session=session, format=raw_format, data=raw)
            apply_run_passings(session, events)
            return None
        state = session_state(session)
        for event in events:
            if isinstance(event, TransponderPassing) and not carries(state, event.transponder):
                apply(state, resolve_transponder(session=session, transponder=event.transponder))
            apply(state, event)
        if raw:
            LiveFeedChunk.objects.create(session=session, format=raw_format, data=raw)
        if rejected:
            session.rejected_records += rejected
            logger.warning("live session %s: %d bad timing records dropped", session_id, rejected)
        announce_bests(session=session, state=state)
        return publish_change(session, state)


@dataclass(frozen=True)
class Applied:
    """What `apply_timing_events_skipping_failures` did: the last new seq, and how many timing
    events it had to skip because the database (or anything else) refused their change."""

    seq: int | None
    failed: int = 0


def apply_timing_events_skipping_failures(
    *,
    session_id: int,
    events: Sequence[TimingEvent],
    raw: bytes = b"",
    raw_format: str = "",
    rejected: int = 0,
) -> Applied:
    """`apply_timing_events` for a feed that must outlive any one bad record.

    Timing PCs resend their `$A` records on every reconnect, so a record the database refuses (a
    NUL byte in a name, a value out of a column's range) would otherwise end the ingest again at
    every restart and freeze the board. A batch that fails is rolled back and applied again one
    event per transaction, so only the events that fail themselves are lost; they are logged and
    added to the session's rejected records. `SessionFinished` still ends the feed.
    """
    try:
        return Applied(
            apply_timing_events(
                session_id=session_id,
                events=events,
                raw=raw,
                raw_format=raw_format,
                rejected=rejected,
            )
        )
    except SessionFinished:
        raise
    except Exception:
        logger.exception(
            "live session %s: a batch of %d timing events was refused; applying them one by one",
            session_id,
            len(events),
        )
        _recover_connection()
    seq: int | None = None
    failed = 0
    for event in events:
        try:
            seq = apply_timing_events(session_id=session_id, events=[event]) or seq
        except SessionFinished:
            raise
        except Exception:
            failed += 1
            logger.exception("live session %s: timing event skipped: %r", session_id, event)
            _recover_connection()
    try:
        # The raw bytes are stored all the same (bytea takes any byte), so a replay of the stored
        # feed and a resumed replay see exactly what the timing system sent.
        seq = (
            apply_timing_events(
                session_id=session_id,
                events=[],
                raw=raw,
                raw_format=raw_format,
                rejected=rejected + failed,
            )
            or seq
        )
    except SessionFinished:
        raise
    except Exception:
        logger.exception("live session %s: raw feed chunk not stored", session_id)
        _recover_connection()
    return Applied(seq, failed)


def _recover_connection() -> None:
    # A long-running command has no request cycle to drop a broken connection: without this, one
    # lost database connection would fail every later change with "connection already closed".
    connection.close_if_unusable_or_obsolete()


def publish_change(session: LiveSession, state: State) -> int | None:
    """Store `state` on the locked session row; when the board changed, seq += 1, the delta is
    stored and published after commit. Returns the new seq, or None if the board did not change.
    """
    session.engine_state = state.to_json()
    fresh = snapshot(state, seq=session.seq + 1, session=session_info(session))
    fresh["rows"] = with_moves(session.snapshot.get("rows", []), fresh["rows"])
    return store_board(session, fresh, ["engine_state", "rejected_records", "updated_at"])


def map_transponder(
    *,
    session_id: int,
    transponder: int,
    number: str,
    name: str = "",
    class_name: str = "",
    actor: Any = None,
    new: bool = False,
) -> int | None:
    """Staff name a transponder's board row, or map a transponder before it first crosses.

    Returns the seq of the change, or None when the board did not change (a mapping made in
    advance, or the same values again). With `new`, an existing mapping of the transponder is
    an error rather than updated. The change goes through the same path as timing data: under
    the session lock, one seq, one delta published after commit. A finished session accepts it
    too, so the name is right in the classification staff publish as results.
    """
    with transaction.atomic():
        session = LiveSession.objects.select_for_update().get(pk=session_id)
        mapping = LiveTransponder.objects.filter(session=session, transponder=transponder).first()
        if new and mapping is not None:
            raise MappingError(
                "transponder",
                _("Transponder %(transponder)s already has a row in this session.")
                % {"transponder": transponder},
            )
        if new and session.status == LiveSession.Status.FINISHED:
            raise MappingError(
                None, _("This live session has finished: no transponder will cross any more.")
            )
        entry = _entry_number(session, transponder)
        if entry is not None:
            raise MappingError(
                "transponder" if new else None,
                _(
                    "Transponder %(transponder)s is on the entry of car %(number)s: change it "
                    "on the entry at check-in instead."
                )
                % {"transponder": transponder, "number": entry},
            )
        state = session_state(session)
        if number and _number_taken(session, state, transponder=transponder, number=number):
            raise MappingError(
                "number",
                _("Car number %(number)s is already on this board.") % {"number": number},
            )
        before = _describe(mapping)
        if mapping is None:
            mapping = LiveTransponder(session=session, transponder=transponder)
        mapping.number, mapping.name, mapping.class_name = number, name, class_name
        after = _describe(mapping)
        if after != before or mapping.pk is None:
            mapping.save()
            _audit(session, actor, "live_transponder", f"{transponder}: {before} → {after}")
        if not set_identity(
            state, transponder=transponder, number=number, name=name, class_name=class_name
        ):
            return None
        return publish_change(session, state)


def remove_transponder_mapping(*, session_id: int, transponder: int, actor: Any = None) -> None:
    """Staff remove a mapping no crossing has used (a car that did not come, a typo)."""
    with transaction.atomic():
        session = LiveSession.objects.select_for_update().get(pk=session_id)
        mapping = LiveTransponder.objects.filter(session=session, transponder=transponder).first()
        if mapping is None:
            return
        if carries(session_state(session), transponder):
            raise MappingError(
                None,
                _("Transponder %(transponder)s has crossed the line: its row stays on the board.")
                % {"transponder": transponder},
            )
        mapping.delete()
        _audit(session, actor, "live_transponder_removed", f"{transponder}: {_describe(mapping)}")


def _describe(mapping: LiveTransponder | None) -> str:
    if mapping is None:
        return "-"
    return " / ".join(part or "-" for part in (mapping.number, mapping.name, mapping.class_name))


def _entry_number(session: LiveSession, transponder: int) -> str | None:
    if session.event_session is None:
        return None
    found = entry_for_transponder(event_session=session.event_session, transponder=transponder)
    return None if found is None else found.number


def _number_taken(session: LiveSession, state: State, *, transponder: int, number: str) -> bool:
    """Another row of the board, or another mapping of the session, shows this car number."""
    own = {car.key for car in state.cars.values() if car.transponder == transponder}
    if any(
        row["number"] == number and row["key"] not in own
        for row in session.snapshot.get("rows", [])
    ):
        return True
    return (
        LiveTransponder.objects.filter(session=session, number=number)
        .exclude(transponder=transponder)
        .exists()
    )


def _audit(session: LiveSession, actor: Any, action: str, detail: str) -> None:
    """Staff changes to a session of an event go to that event's audit log, like entry changes."""
    if session.event_session is None:
        return
    AuditLog.objects.create(
        event_id=session.event_session.event_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        detail=f"live #{session.pk} T{detail}",
    )


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
