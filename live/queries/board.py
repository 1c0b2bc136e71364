"""Reads for spectators: the snapshot a socket or the API starts from, and resumable deltas."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from events.hooks import LiveNow
from events.models import Event, SessionFormat
from events.queries.karting import BoardGrid, board_grids
from live.fanout.frames import encode
from live.models import LiveDelta, LiveSession

# Beyond this many missed deltas a fresh snapshot is smaller and cheaper to apply.
MAX_RESUME_DELTAS = 300
# A session still marked live but silent this long (a replay left behind, a crashed ingest) is
# not advertised on the home page; its board stays reachable.
LIVE_NOW_SILENCE = timedelta(minutes=15)


def spectator_sessions() -> QuerySet[LiveSession]:
    """Live sessions the public may watch: ad hoc ones, and those of events that are not drafts."""
    return LiveSession.objects.exclude(event_session__event__status=Event.Status.DRAFT)


def live_now(*, event_slug: str = "") -> list[LiveNow]:
    """The "Live now" entries of the home page, or of one event's page (registered on
    events.hooks.live_now)."""
    sessions = spectator_sessions().filter(
        status=LiveSession.Status.LIVE,
        updated_at__gte=timezone.now() - LIVE_NOW_SILENCE,
    )
    if event_slug:
        sessions = sessions.filter(event_session__event__slug=event_slug)
    sessions = sessions.select_related("event_session__event").order_by("-updated_at")[:10]
    items = []
    for session in sessions:
        event = session.event_session.event if session.event_session else None
        items.append(
            LiveNow(
                title=f"{event.title} · {session.name}" if event else session.name,
                url=spectator_url(session),
                event_slug=event.slug if event else "",
            )
        )
    return items


def spectator_url(session: LiveSession) -> str:
    # A regularity rally's standings have their own page (penalties, not laps).
    if session.source == LiveSession.Source.CONTROLS and session.event_session is not None:
        return reverse(
            "events:regularity-standings",
            kwargs={
                "slug": session.event_session.event.slug,
                "session_id": session.event_session_id,
            },
        )
    if session.mode == LiveSession.Mode.EFFICIENCY and session.event_session is not None:
        return reverse(
            "events:efficiency-board",
            kwargs={
                "slug": session.event_session.event.slug,
                "session_id": session.event_session_id,
            },
        )
    return reverse("live:board", args=[session.pk])


def snapshot_of(session: LiveSession) -> dict[str, Any]:
    """The session's snapshot as spectators receive it, complete even before the first event."""
    snapshot: dict[str, Any] = {
        "flag": "none",
        "laps_to_go": None,
        "time_to_go_ms": None,
        "elapsed_ms": None,
        "final_lap": None,
        "white_flag": False,
        "chequered": False,
        "messages": [],
        "rows": [],
        **(session.snapshot or {}),
    }
    snapshot["seq"] = session.seq
    snapshot["session"] = {
        **(snapshot.get("session") or {}),
        "id": session.pk,
        "name": session.name,
        "mode": session.mode,
    }
    return snapshot


def pin_scope(session: LiveSession) -> str:
    """Where a fan's pinned cars apply: every session of the event, or this ad hoc session."""
    event_session = session.event_session
    return f"event-{event_session.event_id}" if event_session else f"session-{session.pk}"


def get_board(*, session_id: int) -> tuple[LiveSession, dict[str, Any]] | None:
    """The board page's session and snapshot, in one query."""
    session = spectator_sessions().select_related("event_session").filter(pk=session_id).first()
    return None if session is None else (session, snapshot_of(session))


def get_snapshot(*, session_id: int) -> dict[str, Any] | None:
    session = spectator_sessions().filter(pk=session_id).first()
    return None if session is None else snapshot_of(session)


def snapshot_frame(snapshot: dict[str, Any]) -> str:
    return encode({"type": "snapshot", **snapshot})


def delta_frame(seq: int, payload: dict[str, Any]) -> str:
    return encode({**payload, "type": "delta", "seq": seq})


def opening_frames(*, session_id: int, since: int | None) -> tuple[int, list[str]] | None:
    """What a socket sends first: (seq it reaches, frames), or None for an unknown session.

    With `since`, the stored deltas after it when every one is still there, else a snapshot.
    """
    session = spectator_sessions().filter(pk=session_id).first()
    if session is None:
        return None
    if since is not None and 0 <= since <= session.seq:
        missing = session.seq - since
        if missing == 0:
            return session.seq, []
        if missing <= MAX_RESUME_DELTAS:
            deltas = list(
                LiveDelta.objects.filter(session=session, seq__gt=since, seq__lte=session.seq)
                .order_by("seq")
                .values_list("seq", "payload")
            )
            if len(deltas) == missing:
                return session.seq, [delta_frame(seq, payload) for seq, payload in deltas]
    return session.seq, [snapshot_frame(snapshot_of(session))]


def current_seq(*, session_id: int) -> int | None:
    return LiveSession.objects.filter(pk=session_id).values_list("seq", flat=True).first()


def delta_frames_after(*, session_id: int, after: int, upto: int) -> list[tuple[int, str]]:
    """Encoded frames of the stored deltas in (after, upto], at most the last MAX_RESUME_DELTAS."""
    rows = list(
        LiveDelta.objects.filter(session_id=session_id, seq__gt=after, seq__lte=upto)
        .order_by("-seq")
        .values_list("seq", "payload")[:MAX_RESUME_DELTAS]
    )
    return [(seq, delta_frame(seq, payload)) for seq, payload in reversed(rows)]


def kart_grids(session: LiveSession) -> list[BoardGrid]:
    """A kart stage's grid and the next stage's, shown under its live board before each start."""
    event_session = session.event_session
    if event_session is None or event_session.format != SessionFormat.KART_HEATS:
        return []
    return board_grids(event_session)
