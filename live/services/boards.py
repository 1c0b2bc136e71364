"""Storing a live session's board: the one place seq grows, deltas are stored and published.

Both boards use it: the race standings (live/services/timing.py) and timed runs
(live/services/timed_runs.py). The caller holds the session row's lock.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from live.engine.standings import diff
from live.fanout import publish
from live.models import LiveDelta, LiveSession


def session_info(session: LiveSession) -> dict[str, Any]:
    return {"id": session.pk, "name": session.name, "mode": session.mode}


def store_board(
    session: LiveSession, fresh: dict[str, Any], changed_fields: list[str]
) -> int | None:
    """Store the board `fresh` (seq already the next one) on the locked session row: when it
    differs from the stored one, seq += 1, the delta is stored and published after commit.
    Returns the new seq, or None (only `changed_fields` saved) when the board did not change.
    """
    body = diff(session.snapshot, fresh)
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
    session_id = session.pk
    # Robust: the change is committed; a channel layer that fails must neither undo it in the
    # caller's eyes nor end the ingest. Spectators resync from the stored snapshot by seq.
    transaction.on_commit(lambda: publish.publish(session_id, message), robust=True)
    return session.seq
