"""A finished live session's standings become the event session's results through the events
service that typed and uploaded results use; the championship follows."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import ChampionshipStanding, Event, LapRecord, Session, SessionResult
from events.services.championships import add_round, create_championship
from live.engine.timing import Competitor, LapPassing
from live.feeds.replay import replay
from live.models import LiveSession
from live.services.results import publish_live_results, result_lines
from live.services.timing import apply_timing_events, create_live_session, finish_live_session
from racing.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished_event(organization: Organization) -> Event:
    starts_at = timezone.now() - timedelta(days=3)
    return Event.objects.create(
        organization=organization,
        title="Shanghai Club Cup",
        slug="shanghai-club-cup",
        tier="national",
        discipline="circuit",
        venue_name="Shanghai International Circuit",
        province="shanghai",
        city="Shanghai",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=9),
        status=Event.Status.COMPLETED,
    )


@pytest.fixture
def race(finished_event: Event) -> Session:
    starts_at = finished_event.starts_at + timedelta(hours=2)
    return Session.objects.create(
        event=finished_event,
        kind=Session.Kind.RACE,
        name="Race 1",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
    )


@pytest.fixture
def finished_live(race: Session) -> LiveSession:
    live = create_live_session(name="Race 1", event_session=race)
    cars = [
        Competitor(reg_no="7", number="7", first_name="Min", last_name="Zhang"),
        Competitor(reg_no="23", number="23", first_name="Wei", last_name="Li"),
        Competitor(reg_no="5", number="5", first_name="Fang", last_name="Wang"),
    ]
    laps = [
        LapPassing("7", 60_000, 60_000),
        LapPassing("23", 61_000, 61_000),
        LapPassing("7", 59_000, 119_000),
        LapPassing("23", 59_500, 120_500),
    ]
    apply_timing_events(session_id=live.pk, events=cars)
    for passing in laps:  # one crossing at a time, as the feed delivers them
        apply_timing_events(session_id=live.pk, events=[passing])
    return finish_live_session(session_id=live.pk)


def publish_url(event: Event, live: LiveSession) -> str:
    return reverse(
        "live:publish-results",
        kwargs={"org_slug": event.organization.slug, "live_id": live.pk},
    )


def test_staff_review_then_publish_official_results_and_standings_follow(
    client: Client,
    staff_member: Any,
    finished_event: Event,
    race: Session,
    finished_live: LiveSession,
) -> None:
    championship = create_championship(
        organization=finished_event.organization, name="Cup", season=2026, position_points=[10, 6]
    )
    add_round(championship=championship, session=race)
    client.force_login(staff_member)
    manage = client.get(
        reverse(
            "events:results-manage",
            kwargs={"org_slug": finished_event.organization.slug, "slug": finished_event.slug},
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert publish_url(finished_event, finished_live) in manage
    review = client.get(publish_url(finished_event, finished_live))
    assert review.status_code == 200
    response = client.post(publish_url(finished_event, finished_live), {"official": "on"})
    assert response.status_code == 302
    result = SessionResult.objects.get(session=race)
    assert (result.source, result.is_official, result.updated_by) == ("live", True, staff_member)
    assert [(r.position, r.car_number, r.status, r.total_ms) for r in result.rows.all()] == [
        (1, "7", "classified", 119_000),
        (2, "23", "classified", 120_500),
        (None, "5", "dns", None),
    ]
    laps = LapRecord.objects.filter(session=race).order_by("car_number", "lap")
    assert [(x.car_number, x.lap, x.position, x.lap_time_ms) for x in laps] == [
        ("23", 1, 2, 61_000),
        ("23", 2, 2, 59_500),
        ("7", 1, 1, 60_000),
        ("7", 2, 1, 59_000),
    ]
    assert [(s.position, s.total) for s in ChampionshipStanding.objects.all()][:2] == [
        (1, 10),
        (2, 6),
    ]


def test_a_car_without_laps_is_listed_as_not_started() -> None:
    lines = result_lines(
        [
            {
                "number": "7",
                "name": "A",
                "class": "",
                "laps": 3,
                "total_ms": 1,
                "best_lap_ms": 1,
                "best_lap_no": 1,
                "transponder": None,
            },
            {
                "number": "",
                "name": "",
                "class": "",
                "laps": 0,
                "total_ms": None,
                "best_lap_ms": None,
                "best_lap_no": None,
                "transponder": 4242,
            },
        ]
    )
    assert [(x.car_number, x.status, x.position) for x in lines] == [
        ("7", "classified", 1),
        ("T4242", "dns", None),
    ]


def test_a_live_session_still_running_cannot_be_published(
    client: Client, staff_member: Any, finished_event: Event, race: Session
) -> None:
    live = create_live_session(name="Race 1", event_session=race)
    client.force_login(staff_member)
    assert client.post(publish_url(finished_event, live)).status_code == 404
    assert not SessionResult.objects.exists()


def test_outsiders_and_anonymous_visitors_cannot_publish(
    client: Client,
    outsider: Any,
    other_organization: Any,
    finished_event: Event,
    finished_live: LiveSession,
) -> None:
    url = publish_url(finished_event, finished_live)
    assert client.post(url).status_code == 302
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    rival_url = reverse(
        "live:publish-results",
        kwargs={"org_slug": other_organization.slug, "live_id": finished_live.pk},
    )
    assert client.post(rival_url).status_code == 404
    assert not SessionResult.objects.exists()


def test_a_replayed_capture_publishes_the_feeds_order_and_its_laps(
    shared_timing_dir: str, race: Session
) -> None:
    with open(
        os.path.join(shared_timing_dir, "rmonitor-2009_Sebring_ALMS_Session_5.txt"), "rb"
    ) as f:
        data = f.read()
    live = create_live_session(name="Sebring", event_session=race)
    replay(session_id=live.pk, data=data, format="rmonitor", speed=0)
    live = finish_live_session(session_id=live.pk)
    board = [row for row in live.snapshot["rows"] if row["laps"]]

    result = publish_live_results(live_session=live, official=True)

    rows = [row for row in result.rows.all() if row.status == "classified"]
    assert [row.car_number for row in rows] == [row["number"] for row in board]
    assert [row.position for row in rows] == list(range(1, len(board) + 1))
    assert rows[0].total_ms == board[0]["total_ms"]
    laps = LapRecord.objects.filter(session=race)
    assert laps.exists()
    for row in board:
        car_laps = laps.filter(car_number=row["number"])
        assert car_laps.count() <= row["laps"]
        assert all(lap.position and lap.position >= 1 for lap in car_laps)
