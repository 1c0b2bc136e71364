"""Reads for race control, a car's page and the records: permission-checked where staff-only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from live.engine.standings import State, pit_history
from live.models import LiveSession, RaceControlMessage, TrackRecord
from live.queries.board import snapshot_of, spectator_sessions
from racing.queries.organizations import get_organization_for_staff


def get_live_session_for_staff(
    user: User | AnonymousUser, org_slug: str, live_id: int
) -> LiveSession:
    """The live session, if it belongs to an event of an organization the user is staff of
    (404 otherwise, also for sessions linked to no event: those are the site admin's)."""
    organization = get_organization_for_staff(user, org_slug)
    return get_object_or_404(
        LiveSession.objects.select_related("event_session__event__organization"),
        pk=live_id,
        event_session__event__organization=organization,
    )


def race_control_log(session: LiveSession, *, staff: bool) -> QuerySet[RaceControlMessage]:
    """The session's log, newest first: everything for staff, public messages for the rest."""
    messages = RaceControlMessage.objects.filter(session=session).select_related("author")
    if not staff:
        messages = messages.filter(public=True, withdrawn_at__isnull=True)
    return messages.order_by("-created_at", "-id")


def get_spectator_session(session_id: int) -> LiveSession:
    return get_object_or_404(spectator_sessions(), pk=session_id)


def car_page(session: LiveSession, car: str) -> dict[str, Any] | None:
    """A car's board row and its pit stops and stints, or None when no car has that row key."""
    found = State.from_json(session.engine_state).cars.get(car)
    if found is None:
        return None
    row = next((r for r in snapshot_of(session)["rows"] if r["key"] == found.key), None)
    return {"key": found.key, "row": row, **pit_history(found)}


def record_layouts() -> list[str]:
    return list(TrackRecord.objects.order_by("layout").values_list("layout", flat=True).distinct())


def is_known_layout(layout: str) -> bool:
    """A layout some public live session drives on (its records page exists, maybe empty)."""
    return spectator_sessions().filter(layout=layout).exists()


def records_of(layout: str) -> list[TrackRecord]:
    """The layout's outright record first, then its class records by class name."""
    return list(
        TrackRecord.objects.filter(layout=layout).select_related("session").order_by("class_name")
    )
