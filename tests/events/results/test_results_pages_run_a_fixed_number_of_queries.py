"""The public results and standings pages cost the same number of queries however big the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Championship, Event, Session
from events.services.championships import add_round, create_championship
from events.services.results import LapLine, publish_results, replace_laps
from tests.events.results.conftest import line

pytestmark = pytest.mark.django_db


def field_of(cars: int) -> list[Any]:
    return [
        line(
            str(n),
            n,
            laps=10,
            total_ms=600_000 + n * 1_000,
            best_lap_ms=59_000 + n,
            driver_name=f"D{n}",
        )
        for n in range(1, cars + 1)
    ]


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def championship(finished_event: Event, race: Session) -> Championship:
    championship = create_championship(
        organization=finished_event.organization,
        name="Cup",
        slug="cup",
        season=2026,
        position_points=[10, 8, 6],
    )
    add_round(championship=championship, session=race)
    return championship


def publish(race: Session, cars: int) -> None:
    publish_results(
        session=race, source="csv", official=True, reason="more cars", lines=field_of(cars)
    )
    replace_laps(
        session=race,
        laps=[LapLine(str(n), lap, n, 60_000) for n in range(1, cars + 1) for lap in range(1, 11)],
    )


@pytest.mark.usefixtures("championship")
def test_session_event_and_standings_pages_do_not_grow_with_the_field(
    client: Client, finished_event: Event, race: Session
) -> None:
    urls = [
        reverse("events:session-results", args=[finished_event.slug, race.pk]),
        reverse("events:event-results", args=[finished_event.slug]),
        reverse("events:championship-detail", args=["cup"]),
    ]
    publish(race, 3)
    small = [count_queries(client, url) for url in urls]
    publish(race, 30)
    big = [count_queries(client, url) for url in urls]
    assert small == big, (small, big)
    assert max(big) <= 8, big
