"""Reads for the timed-runs staff page."""

from __future__ import annotations

from collections import Counter

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from events.engine import timed_runs as engine
from events.models import Event, Session, SessionFormat, TimedRun
from events.queries.events import event_for_staff
from events.queries.roster import roster_for


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


def next_up(session: Session, *, limit: int = 6) -> list[tuple[str, int]]:
    """The next cars in the running order, with their run group: the cars entered (or already
    seen at the line, when the event takes no entries here) that have runs left."""
    rules = engine.Rules.from_dict(session.checked_rules)
    made = Counter(TimedRun.objects.filter(session=session).values_list("car_number", flat=True))
    classes = {number: entry.class_name for number, entry in roster_for(session.event).items()}
    for number in made:
        classes.setdefault(number, "")
    cars = [(number, class_name, made.get(number, 0)) for number, class_name in classes.items()]
    return engine.running_order(cars, rules)[:limit]
