"""Staff start live timing for an event session, get the ingest command, and finish it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Session
from live.models import LiveSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def race(organization) -> Session:
    starts = timezone.now() + timedelta(days=3)
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
    return Session.objects.create(
        event=event,
        kind=Session.Kind.RACE,
        name="Final",
        starts_at=starts + timedelta(hours=2),
        ends_at=starts + timedelta(hours=3),
    )


def start(client, organization, race, **data):
    payload = {"mode": "race", "source": "rmonitor", "min_lap_seconds": "20", **data}
    return client.post(
        reverse("live:timing-start", args=[organization.slug, race.pk]),
        payload,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_staff_start_live_timing_and_see_the_ingest_command(
    client, staff_member, organization, race
):
    client.force_login(staff_member)
    response = start(client, organization, race, source="p3", mode="practice", min_lap_seconds="35")
    assert response.status_code == 302
    live = LiveSession.objects.get(event_session=race)
    assert (live.mode, live.source, live.min_lap_ms) == ("practice", "p3", 35_000)
    assert live.name == "Club Cup · Final"

    page = client.get(reverse("live:timing", args=[organization.slug]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert f"live_ingest {live.pk} --p3" in text
    assert reverse("live:board", args=[live.pk]) in text
    # The new live session serves a board and a snapshot straight away.
    assert client.get(reverse("live:board", args=[live.pk])).status_code == 200


def test_finishing_a_session_offers_its_results_for_review(client, organizer, organization, race):
    client.force_login(organizer)
    start(client, organization, race)
    live = LiveSession.objects.get(event_session=race)
    response = client.post(reverse("live:timing-finish", args=[organization.slug, live.pk]))
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.status == LiveSession.Status.FINISHED
    page = client.get(reverse("live:timing", args=[organization.slug])).content.decode()
    assert reverse("live:publish-results", args=[organization.slug, live.pk]) in page
    assert f"live_ingest {live.pk}" not in page


def test_bad_input_is_refused_with_a_message_and_nothing_is_started(
    client, organizer, organization, race
):
    client.force_login(organizer)
    response = start(client, organization, race, mode="endurance", min_lap_seconds="-5")
    assert response.status_code == 400
    assert "not one of the available choices" in response.content.decode()
    assert not LiveSession.objects.exists()
    response = client.post(
        reverse("live:timing-start", args=[organization.slug, race.pk]),
        {"mode": "race", "source": "rmonitor", "min_lap_seconds": "0"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "实时计时未启动" in response.content.decode()


def test_another_organization_can_neither_see_nor_start_nor_finish(
    client, outsider, other_organization, organization, race
):
    live = LiveSession.objects.create(event_session=race, name="x")
    client.force_login(outsider)
    assert client.get(reverse("live:timing", args=[organization.slug])).status_code == 404
    # Through their own organization's URL, another club's session is not found either.
    assert start(client, other_organization, race).status_code == 404
    response = client.post(reverse("live:timing-finish", args=[other_organization.slug, live.pk]))
    assert response.status_code == 404
    live.refresh_from_db()
    assert live.status == LiveSession.Status.PENDING
    assert LiveSession.objects.count() == 1


def test_the_organization_page_links_to_live_timing(client, staff_member, organization):
    client.force_login(staff_member)
    page = client.get(organization.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("live:timing", args=[organization.slug]) in page


def test_staff_give_the_layout_and_the_pit_lane_decoders_when_starting(
    client, staff_member, organization, race
):
    client.force_login(staff_member)
    same = start(client, organization, race, source="p3", pit_in_decoder="7", pit_out_decoder="7")
    assert same.status_code == 400
    assert "The pit-out decoder must differ from the pit-in one." in same.content.decode()
    assert start(client, organization, race, source="p3", pit_in_decoder="-1").status_code == 400
    assert not LiveSession.objects.exists()

    response = start(
        client, organization, race, source="p3", pit_in_decoder="7", pit_out_decoder="8"
    )
    assert response.status_code == 302
    live = LiveSession.objects.get(event_session=race)
    # No layout given: the event's venue, where its records are kept.
    assert (live.layout, live.pit_in_decoder, live.pit_out_decoder) == (race.event.venue_name, 7, 8)
    start(client, organization, race, layout="Shanghai International Circuit · West")
    assert LiveSession.objects.filter(layout="Shanghai International Circuit · West").count() == 1
    page = client.get(reverse("live:timing", args=[organization.slug])).content.decode()
    assert reverse("live:race-control", args=[organization.slug, live.pk]) in page
