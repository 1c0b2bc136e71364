"""Live standings of a regularity rally over the same snapshot + delta fan-out as timed races.

Each change of a route's stamps (a marshal's sync, a correction, an import; events.hooks
.stamps_changed) rescores the crews and publishes what changed, as one numbered delta of the
route's live session (made on the first change). Spectators' sockets, resync by seq and the stored
deltas are those of docs/live-fanout.md; the rows carry a crew's penalty instead of laps.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from events.engine.regularity import Outcome
from events.models import Route
from events.queries.regularity import scoreboard
from live.engine.standings import diff
from live.fanout import publish
from live.models import LiveDelta, LiveSession


def regularity_rows(route: Route) -> list[dict[str, Any]]:
    """The standings as board rows. The lap board's fields are there too (``laps`` counts the
    controls scored; times are null), so the live API and the lap board read them as any board;
    ``position`` is the display order and ``classified`` says whether it is a real position."""
    board = scoreboard(route, final=False)
    rows = []
    in_class: dict[str, int] = {}
    for order, standing in enumerate(board.standings, start=1):
        crew = board.crews.get(standing.crew.number)
        class_name = crew.class_name if crew else ""
        in_class[class_name] = in_class.get(class_name, 0) + 1
        rows.append(
            {
                "key": str(standing.crew.number),
                "position": order,
                "classified": standing.position is not None,
                "number": str(standing.crew.number),
                "name": crew.crew if crew else "",
                "class": class_name,
                "class_position": in_class[class_name],
                "laps": sum(1 for c in standing.crew.controls if c.outcome != Outcome.PENDING),
                "total_ms": None,
                "last_lap_ms": None,
                "best_lap_ms": None,
                "best_lap_no": None,
                "gap_ms": None,
                "gap_laps": None,
                "interval_ms": None,
                "interval_laps": None,
                "pb": False,
                "sb": False,
                "in_pit": False,
                "penalty": str(standing.crew.penalty),
                "zeros": standing.crew.zeros,
                "excluded": standing.crew.excluded,
            }
        )
    return rows


def _live_session(route: Route) -> LiveSession:
    session = (
        LiveSession.objects.select_for_update()
        .filter(event_session=route.session, source=LiveSession.Source.CONTROLS)
        .first()
    )
    if session is None:
        session = LiveSession.objects.create(
            event_session=route.session,
            name=route.session.display_name,
            source=LiveSession.Source.CONTROLS,
            status=LiveSession.Status.LIVE,
        )
        session = LiveSession.objects.select_for_update().get(pk=session.pk)
    return session


def publish_regularity_standings(route_id: int) -> int | None:
    """Rescore the route and publish the change; the new seq, or None when nothing changed."""
    route = Route.objects.select_related("session__event").filter(pk=route_id).first()
    if route is None or route.is_touring:
        return None
    with transaction.atomic():
        session = _live_session(route)
        fresh = {
            "seq": session.seq + 1,
            "flag": "none",
            "laps_to_go": None,
            "time_to_go_ms": None,
            "elapsed_ms": None,
            "session": {"id": session.pk, "name": session.name, "mode": session.mode},
            "rows": regularity_rows(route),
        }
        body = diff(session.snapshot or {}, fresh)
        if body is None:
            return None
        session.seq += 1
        session.snapshot = fresh
        session.status = LiveSession.Status.LIVE
        session.save(update_fields=["seq", "snapshot", "status", "updated_at"])
        message = {"type": "delta", "seq": session.seq, **body}
        LiveDelta.objects.create(session=session, seq=session.seq, payload=message)
        session_id = session.pk
        transaction.on_commit(lambda: publish.publish(session_id, message), robust=True)
        return session.seq


def live_board_socket(session: Any) -> str:
    """The socket path of an event session's live regularity standings (events.hooks)."""
    live = (
        LiveSession.objects.filter(event_session=session, source=LiveSession.Source.CONTROLS)
        .values_list("pk", flat=True)
        .first()
    )
    return f"/ws/live/sessions/{live}/" if live else ""
