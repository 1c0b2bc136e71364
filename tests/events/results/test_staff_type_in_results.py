"""Staff type results into a table; the same checks as a CSV upload apply."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Event, ResultRow, Session, SessionResult
from events.services.results import publish_results
from tests.events.results.conftest import line

pytestmark = pytest.mark.django_db


def edit_url(event: Event, session: Session) -> str:
    return reverse(
        "events:results-edit",
        kwargs={"org_slug": event.organization.slug, "slug": event.slug, "session_id": session.pk},
    )


def table(*rows: dict[str, str], extra_blank: int = 2) -> dict[str, str]:
    data = {"row_count": str(len(rows) + extra_blank)}
    for index, row in enumerate(rows):
        data[f"row-{index}-status"] = "classified"
        data.update({f"row-{index}-{name}": value for name, value in row.items()})
    for index in range(len(rows), len(rows) + extra_blank):
        data[f"row-{index}-status"] = "classified"
    return data


def test_typed_results_are_classified_and_saved(
    client: Client, staff_member: Any, finished_event: Event, race: Session
) -> None:
    client.force_login(staff_member)
    data = table(
        {
            "position": "1",
            "car": "7",
            "driver": "Zhang Min",
            "laps": "10",
            "total_time": "15:00.000",
            "penalty_time": "10",
            "penalty_reason": "Jump start",
        },
        {
            "position": "2",
            "car": "23",
            "driver": "Li Wei",
            "laps": "10",
            "total_time": "15:04.500",
            "best_lap": "1:29.5",
            "best_lap_no": "4",
        },
        {"car": "5", "driver": "Wang Fang", "status": "dns"},
    )
    data["official"] = "on"
    response = client.post(edit_url(finished_event, race), data)
    assert response.status_code == 302
    result = SessionResult.objects.get(session=race)
    assert (result.source, result.is_official) == ("typed", True)
    assert [(r.car_number, r.position, r.gap_ms) for r in result.rows.all()] == [
        ("23", 1, None),
        ("7", 2, 5_500),
        ("5", None, None),
    ]


def test_a_bad_row_is_shown_with_its_number_and_nothing_is_saved(
    client: Client, staff_member: Any, finished_event: Event, race: Session
) -> None:
    client.force_login(staff_member)
    data = table(
        {"position": "1", "car": "7", "total_time": "15:00.000"},
        {"position": "2", "car": "23", "total_time": "fifteen"},
    )
    response = client.post(edit_url(finished_event, race), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Row 2" in page and "“fifteen” is not a time" in page
    assert 'class="row-error"' in page
    assert 'value="fifteen"' in page
    assert not SessionResult.objects.exists()


def test_the_form_starts_from_the_current_results_before_penalties(
    client: Client, staff_member: Any, finished_event: Event, race: Session
) -> None:
    publish_results(
        session=race,
        source="csv",
        lines=[
            line("7", 1, laps=10, total_ms=900_000, penalty_ms=10_000, penalty_reason="Jump"),
            line("23", 2, laps=10, total_ms=904_500),
        ],
    )
    client.force_login(staff_member)
    page = client.get(edit_url(finished_event, race)).content.decode()
    # Car 7 is second after its penalty, but the form shows what was typed: first, 15:00.000.
    assert re.search(r'name="row-0-car"[^>]*value="23"', page)
    assert re.search(r'name="row-1-car"[^>]*value="7"', page)
    assert re.search(r'name="row-1-total_time"[^>]*value="15:00.000"', page)
    assert re.search(r'name="row-1-penalty_time"[^>]*value="10.000"', page)


def test_correcting_official_results_by_hand_keeps_the_reason(
    client: Client, staff_member: Any, finished_event: Event, race: Session
) -> None:
    publish_results(session=race, source="csv", official=True, lines=[line("7", 1), line("23", 2)])
    client.force_login(staff_member)
    data = table({"position": "1", "car": "23"}, {"position": "2", "car": "7"})
    assert client.post(edit_url(finished_event, race), data).status_code == 400
    data["reason"] = "Timing error on the line"
    assert client.post(edit_url(finished_event, race), data).status_code == 302
    assert ResultRow.objects.get(position=1).car_number == "23"
    assert SessionResult.objects.get().revisions.first().reason == "Timing error on the line"


def test_without_results_the_form_starts_from_the_entered_cars(
    client: Client,
    staff_member: Any,
    finished_event: Event,
    race: Session,
    entered_cars: dict[str, Any],
    driver: Any,
) -> None:
    client.force_login(staff_member)
    page = client.get(edit_url(finished_event, race)).content.decode()
    assert re.search(r'name="row-0-car"[^>]*value="7"', page)
    assert re.search(r'name="row-1-car"[^>]*value="23"', page)
    assert re.search(r'name="row-0-driver"[^>]*value="Min Zhang"', page)
    assert re.search(r'name="row-0-class"[^>]*value="Rookie"', page)
    assert driver.email not in page
