"""Who works on an event as scrutineer, medical officer or clerk of the course."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from events.exceptions import EventsError
from events.models import Event, EventOfficial
from racing.models import Membership


def add_official(*, event: Event, user_id: int, duty: str) -> EventOfficial:
    """Only a member of the event's organization can be one of its officials."""
    if not Membership.objects.filter(
        organization_id=event.organization_id, user_id=user_id
    ).exists():
        raise EventsError(_("Only a member of the organization can be an official of its events."))
    official, _created = EventOfficial.objects.get_or_create(
        event=event, user_id=user_id, duty=duty
    )
    return official


def remove_official(*, event: Event, official_id: int) -> None:
    EventOfficial.objects.filter(event=event, pk=official_id).delete()


def member_choices(event: Event) -> list[tuple[Any, str]]:
    from racing.queries.drivers import staff_name

    memberships = Membership.objects.filter(organization_id=event.organization_id).select_related(
        "user__driver_profile"
    )
    return [(m.user_id, staff_name(m.user)) for m in memberships]
