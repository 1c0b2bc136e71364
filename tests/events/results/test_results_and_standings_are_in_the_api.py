"""The read API gives an event's results and a championship's standings, in the OpenAPI document."""

from __future__ import annotations

import pytest
from django.test import Client

from events.models import Event, Session
from events.services.championships import add_round, create_championship
from events.services.results import publish_results
from tests.events.results.conftest import line

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(finished_event: Event, race: Session) -> None:
    publish_results(
        session=race,
        source="csv",
        official=True,
        lines=[
            line("7", 1, driver_name="Zhang Min", laps=10, total_ms=600_000),
            line("23", 2, driver_name="Li Wei", laps=10, total_ms=601_500, penalty_ms=0),
            line("5", driver_name="Wang Fang", status="dsq"),
        ],
    )
    championship = create_championship(
        organization=finished_event.organization,
        name="Club Championship",
        slug="club-2026",
        season=2026,
        position_points=[25, 18],
    )
    add_round(championship=championship, session=race)


@pytest.mark.usefixtures("published")
def test_an_events_results_come_with_gaps_and_statuses(
    client: Client, finished_event: Event, race: Session
) -> None:
    body = client.get(f"/api/events/{finished_event.slug}/results").json()
    (session,) = body["sessions"]
    assert (session["session_id"], session["state"], session["revision"]) == (
        race.pk,
        "official",
        1,
    )
    assert [
        (r["position"], r["car_number"], r["status"], r["gap_ms"]) for r in session["rows"]
    ] == [
        (1, "7", "classified", None),
        (2, "23", "classified", 1_500),
        (None, "5", "dsq", None),
    ]


@pytest.mark.usefixtures("published")
def test_a_championships_standings_list_each_rounds_score(client: Client) -> None:
    body = client.get("/api/events/championships/club-2026/standings").json()
    assert body["points_by_position"] == [25, 18]
    (table,) = body["classes"]
    assert [(s["position"], s["driver"], s["points"]) for s in table["standings"]] == [
        (1, "Zhang Min", 25),
        (2, "Li Wei", 18),
        (3, "Wang Fang", 0),
    ]
    assert table["standings"][2]["scores"][0]["status"] == "dsq"
    assert len(body["rounds"]) == 1


def test_both_endpoints_are_in_the_openapi_document(client: Client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/events/{slug}/results" in paths
    assert "/api/events/championships/{slug}/standings" in paths


def test_unknown_private_or_draft_things_are_404(
    client: Client, make_event: object, published: None
) -> None:
    make_event(status=Event.Status.DRAFT, slug="draft-cup")  # type: ignore[operator]
    assert client.get("/api/events/draft-cup/results").status_code == 404
    assert client.get("/api/events/nope/results").status_code == 404
    assert client.get("/api/events/championships/nope/standings").status_code == 404
