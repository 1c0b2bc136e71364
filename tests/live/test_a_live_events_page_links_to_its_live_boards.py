"""A fan on a live event's page finds its live board there: every live session of that event is
linked under "Live now", and sessions of other events are not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from events.models import Event, Session
from live.models import LiveSession
from racing.models import Organization

pytestmark = pytest.mark.django_db


def event_with_session(organization: Organization, slug: str, name: str) -> Session:
    starts = timezone.now()
    event = Event.objects.create(
        organization=organization,
        title=f"Club Cup {slug}",
        slug=slug,
        tier="national",
        discipline="circuit",
        venue_name="Shanghai International Circuit",
        province="shanghai",
        city="Shanghai",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        status=Event.Status.PUBLISHED,
    )
    return Session.objects.create(
        event=event, kind=Session.Kind.RACE, name=name, starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )  # fmt: skip


def test_the_event_page_links_each_of_its_live_sessions_and_no_other(
    client: Client, organization: Organization
) -> None:
    race = event_with_session(organization, "spring-cup", "Race 2")
    heat = Session.objects.create(
        event=race.event, kind=Session.Kind.HEAT, name="Heat A",
        starts_at=race.starts_at, ends_at=race.ends_at,
    )  # fmt: skip
    other = event_with_session(organization, "autumn-cup", "Other race")
    boards = [
        LiveSession.objects.create(name=s.name, status=LiveSession.Status.LIVE, event_session=s)
        for s in (race, heat)
    ]
    elsewhere = LiveSession.objects.create(
        name="Other race", status=LiveSession.Status.LIVE, event_session=other
    )

    page = client.get("/events/spring-cup/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Live now" in page
    for board in boards:
        assert f'href="/live/{board.pk}/"' in page
    assert f'href="/live/{elsewhere.pk}/"' not in page


def test_a_finished_session_is_not_offered_as_live(
    client: Client, organization: Organization
) -> None:
    race = event_with_session(organization, "spring-cup", "Race 2")
    over = LiveSession.objects.create(
        name="Race 2", status=LiveSession.Status.FINISHED, event_session=race
    )
    page = client.get("/events/spring-cup/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="/live/{over.pk}/"' not in page
    assert "Live now" not in page
