"""Moving an event to other dates offers to move its sessions by the same amount (ticked by
default), so an event can move past its own schedule; unticked, sessions left outside the new
dates are refused as before."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event

pytestmark = pytest.mark.django_db


def form_data(event: Event, shift: timedelta, **extra: str) -> dict[str, str]:
    def local(moment):
        return timezone.localtime(moment + shift, event.zone).strftime("%Y-%m-%dT%H:%M")

    return {
        "title": event.title,
        "tier": event.tier,
        "discipline": event.discipline,
        "venue_name": event.venue_name,
        "province": event.province,
        "city": event.city,
        "time_zone": event.time_zone,
        "starts_at": local(event.starts_at),
        "ends_at": local(event.ends_at),
        "registration_opens_at": local(event.registration_opens_at),
        "registration_closes_at": local(event.registration_closes_at),
        **extra,
    }


def edit_url(event: Event) -> str:
    return reverse(
        "events:event-edit", kwargs={"org_slug": event.organization.slug, "slug": event.slug}
    )


def test_the_edit_form_offers_moving_the_sessions_ticked(client, organizer, event) -> None:
    client.force_login(organizer)

    page = client.get(edit_url(event), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Move the sessions too" in page
    assert re.search(r'<input type="checkbox" name="shift_sessions"[^>]* checked>', page)


def test_a_week_later_the_sessions_move_with_the_event(client, organizer, event) -> None:
    client.force_login(organizer)
    session = event.sessions.get()
    before = (session.starts_at, session.ends_at)
    week = timedelta(days=7)

    response = client.post(edit_url(event), form_data(event, week, shift_sessions="on"))

    assert response.status_code == 302, response.content.decode()
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at) == (before[0] + week, before[1] + week)
    event.refresh_from_db()
    assert event.sessions.get().starts_at >= event.starts_at


def test_unticked_the_sessions_stay_and_the_move_is_refused(client, organizer, event) -> None:
    client.force_login(organizer)
    session = event.sessions.get()
    before = session.starts_at
    old_start = event.starts_at

    response = client.post(
        edit_url(event), form_data(event, timedelta(days=7)), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "would fall outside the event" in response.content.decode()
    session.refresh_from_db()
    event.refresh_from_db()
    assert (session.starts_at, event.starts_at) == (before, old_start)
