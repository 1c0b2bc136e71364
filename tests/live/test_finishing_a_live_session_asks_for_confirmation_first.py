"""Finishing a live session mid-race by a stray tap would freeze the board: the timing page's
button leads to a page that says what will happen, and only its POST finishes the session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Session
from live.models import LiveSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(organization) -> LiveSession:
    starts = timezone.now() - timedelta(hours=1)
    event = Event.objects.create(
        organization=organization,
        title="Club Cup",
        slug="club-cup",
        tier="national",
        discipline="circuit",
        venue_name="Shanghai International Circuit",
        province="shanghai",
        city="Shanghai",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        status=Event.Status.PUBLISHED,
    )
    race = Session.objects.create(
        event=event,
        kind="race",
        name="Final",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    return LiveSession.objects.create(
        event_session=race, name="Club Cup · Final", status=LiveSession.Status.LIVE
    )


def test_the_timing_page_asks_before_finishing(client, staff_member, organization, live) -> None:
    client.force_login(staff_member)
    finish_url = reverse("live:timing-finish", args=[organization.slug, live.pk])

    timing = client.get(reverse("live:timing", args=[organization.slug])).content.decode()
    assert f'<form method="get" action="{finish_url}"' in timing

    page = client.get(finish_url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"Finish live session {live.pk}?" in body
    assert "Club Cup · Final stops taking timing" in body
    assert f'<form method="post" action="{finish_url}"' in body
    live.refresh_from_db()
    assert live.status == LiveSession.Status.LIVE

    client.post(finish_url, {"confirm": "1"})
    live.refresh_from_db()
    assert live.status == LiveSession.Status.FINISHED


def test_the_question_is_asked_in_chinese(client, staff_member, organization, live) -> None:
    client.force_login(staff_member)

    page = client.get(
        reverse("live:timing-finish", args=[organization.slug, live.pk]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert f"结束实时场次 {live.pk}？" in page.content.decode()


def test_another_organization_gets_404_on_the_question(
    client, outsider, other_organization, organization, live
) -> None:
    client.force_login(outsider)

    page = client.get(reverse("live:timing-finish", args=[organization.slug, live.pk]))

    assert page.status_code == 404
