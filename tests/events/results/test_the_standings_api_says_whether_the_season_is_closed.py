"""The standings API says whether the organizer has closed the season, and when: from then on the
drivers marked as moving up are refused in the class they leave, so API readers need to know."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client

from events.models import Event, Session
from events.services.championships import add_round, create_championship
from events.services.promotions import close_season, reopen_season
from events.services.results import publish_results
from tests.events.results.conftest import line

pytestmark = pytest.mark.django_db

URL = "/api/events/championships/club-2026/standings"


@pytest.fixture
def championship(finished_event: Event, race: Session):  # type: ignore[no-untyped-def]
    publish_results(
        session=race,
        source="csv",
        official=True,
        lines=[line("7", 1, driver_name="Zhang Min", laps=10, total_ms=600_000)],
    )
    championship = create_championship(
        organization=finished_event.organization,
        name="Club Championship",
        slug="club-2026",
        season=2026,
        position_points=[25, 18],
    )
    add_round(championship=championship, session=race)
    return championship


def test_an_open_season_is_not_closed_and_has_no_closing_time(
    client: Client, championship: object
) -> None:
    body = client.get(URL).json()
    assert body["season_closed"] is False
    assert body["season_closed_at"] is None


def test_a_closed_season_says_so_with_when_and_reopening_clears_it(
    client: Client, championship, organizer
) -> None:  # type: ignore[no-untyped-def]
    closed = close_season(championship=championship, by=organizer)

    body = client.get(URL).json()
    assert body["season_closed"] is True
    # JSON carries milliseconds
    stated = datetime.fromisoformat(body["season_closed_at"])
    assert abs(stated - closed.season_closed_at) < timedelta(milliseconds=1)

    reopen_season(championship=championship)
    body = client.get(URL).json()
    assert (body["season_closed"], body["season_closed_at"]) == (False, None)


def test_both_fields_are_in_the_openapi_schema(client: Client) -> None:
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    properties = schemas["ChampionshipOut"]["properties"]
    assert properties["season_closed"]["type"] == "boolean"
    assert "season_closed_at" in properties
    assert {"season_closed", "season_closed_at"} <= set(schemas["ChampionshipOut"]["required"])
