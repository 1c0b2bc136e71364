"""Reads for replays of finished live sessions, from the deltas stored while they ran.

A replay needs no storage of its own: the board at seq 0 is the empty board every live session
starts from (`live.services.timing.create_live_session`), and the stored delta `n` turns the board
at `n - 1` into the board at `n`. The board page folds them in the browser (static/js/
live-replay.js); `snapshot_at` folds them here, the same way, for whoever needs one position.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from live.engine.standings import State, apply_delta, snapshot
from live.models import LiveDelta, LiveSession
from live.queries.board import spectator_sessions

# Deltas per request of the replay's data: a two-hour race is about 8,000 of them.
REPLAY_PAGE = 2000


def replayable_sessions() -> QuerySet[LiveSession]:
    """Finished live sessions the public may watch again. A timed-runs board is not one: it
    starts from its runs, not from the empty board, and has a board of its own."""
    return (
        spectator_sessions()
        .filter(status=LiveSession.Status.FINISHED)
        .exclude(mode=LiveSession.Mode.TIMED_RUNS)
    )


def get_replayable(*, session_id: int) -> LiveSession | None:
    return replayable_sessions().filter(pk=session_id).first()


def replay_start(session: LiveSession) -> dict[str, Any]:
    """The board at seq 0: no cars, no flag, the session's id, name and mode."""
    return snapshot(
        State(mode=session.mode),
        seq=0,
        session={"id": session.pk, "name": session.name, "mode": session.mode},
    )


def replay_deltas(
    session: LiveSession, *, after: int, limit: int | None = None
) -> list[dict[str, Any]]:
    """The stored deltas with a seq above `after`, in order, at most `limit` (a page) of them."""
    payloads = (
        LiveDelta.objects.filter(session=session, seq__gt=after)
        .order_by("seq")
        .values_list("seq", "payload")[: limit or REPLAY_PAGE]
    )
    return [{**payload, "type": "delta", "seq": seq} for seq, payload in payloads]


def snapshot_at(session: LiveSession, *, seq: int) -> dict[str, Any]:
    """The board at `seq` (0 to the session's seq), folded from the stored deltas."""
    board = replay_start(session)
    for payload in (
        LiveDelta.objects.filter(session=session, seq__gt=0, seq__lte=seq)
        .order_by("seq")
        .values_list("payload", flat=True)
        .iterator()
    ):
        board = apply_delta(board, payload)
    return board
