"""Live efficiency boards: an NEV efficiency session's standings over the same snapshot + delta
fan-out as every live board.

Staff enter or correct runs in events (events/services/efficiency.py); every change calls
`refresh_efficiency_board` after commit (the `events.hooks.efficiency_changed` hook), which
stores the new board and publishes its delta through live.services.boards. The public board
page (events:efficiency-board) renders the standings and follows the session's socket, found
through `events.hooks.live_board_socket`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from events.models import Session, SessionFormat
from events.services import efficiency
from live.models import LiveSession
from live.services.boards import session_info, store_board


def efficiency_snapshot(live: LiveSession, event_session: Session) -> dict[str, Any]:
    return {
        "seq": live.seq + 1,
        "flag": "none",
        "laps_to_go": None,
        "time_to_go_ms": None,
        "elapsed_ms": None,
        "session": session_info(live),
        "rows": efficiency.board_rows(event_session),
    }


def _board(event_session: Session) -> LiveSession:
    """The session's efficiency board, locked; made (as it stands, seq 0) on first use."""
    live = (
        LiveSession.objects.select_for_update()
        .filter(event_session=event_session, mode=LiveSession.Mode.EFFICIENCY)
        .order_by("pk")
        .first()
    )
    if live is None:
        live = LiveSession.objects.create(
            name=f"{event_session.event.title} · {event_session.display_name}",
            mode=LiveSession.Mode.EFFICIENCY,
            source=LiveSession.Source.SIMULATOR,
            event_session=event_session,
            status=LiveSession.Status.LIVE,
        )
        live.snapshot = {**efficiency_snapshot(live, event_session), "seq": 0}
        live.save(update_fields=["snapshot"])
    return live


def refresh_efficiency_board(event_session: Session) -> None:
    """Store and publish the efficiency board of this event session (registered on
    events.hooks.efficiency_changed; runs after the change is committed)."""
    if event_session.format != SessionFormat.EFFICIENCY:
        return
    with transaction.atomic():
        live = _board(event_session)
        store_board(live, efficiency_snapshot(live, event_session), ["updated_at"])


def efficiency_board_socket(session: Any) -> str:
    """The socket path of an efficiency session's live board (events.hooks.live_board_socket);
    the board is made on first view so that spectators follow it before the first run."""
    if getattr(session, "format", None) != SessionFormat.EFFICIENCY:
        return ""
    with transaction.atomic():
        live = _board(session)
    return f"/ws/live/sessions/{live.pk}/"
