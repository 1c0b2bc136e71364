"""Reads for the timed-runs staff page."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from events.models import Event, Session, SessionFormat, TimedRun
from events.queries.events import event_for_staff


def runs_session_for_staff(
    user: object, org_slug: str, slug: str, session_id: int
) -> tuple[Event, Session]:
    """A timed-runs session of one of the staff member's events, or 404."""
    event = event_for_staff(user, org_slug, slug)
    session = get_object_or_404(
        Session, pk=session_id, event=event, format=SessionFormat.TIMED_RUNS
    )
    return event, session


def recent_runs(session: Session, *, limit: int = 30) -> QuerySet[TimedRun]:
    """The latest runs first, with who entered them; cars on course (no time yet) on top."""
    return (
        TimedRun.objects.filter(session=session)
        .select_related("updated_by")
        .order_by("-on_course", "-updated_at", "-pk")[:limit]
    )
