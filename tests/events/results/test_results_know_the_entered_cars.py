"""With entries, results take names and classes from them and refuse cars not entered."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Event, ResultRow, Session
from events.queries.roster import roster_for
from events.services.results import ResultLine, check_lines, publish_results
from events.services.results_csv import read_results_csv
from tests.events.results.conftest import csv_bytes

pytestmark = pytest.mark.django_db


def test_a_result_line_gets_the_entrys_driver_class_and_name(
    race: Session, entered_cars: dict[str, Any], driver: Any
) -> None:
    publish_results(
        session=race,
        source="typed",
        lines=[ResultLine(car_number="7", position=1), ResultLine(car_number="23", position=2)],
    )
    row = ResultRow.objects.get(car_number="7")
    assert (row.driver, row.entry, row.class_name) == (driver, entered_cars["7"], "Rookie")
    assert row.driver_name == driver.get_full_name()
    assert "@" not in ResultRow.objects.get(car_number="23").driver_name


def test_a_car_number_not_entered_is_refused_on_its_line(
    finished_event: Event, entered_cars: dict[str, Any], english: None
) -> None:
    roster = roster_for(finished_event)
    data = csv_bytes("1,7,,,,,,,,", "2,99,,,,,,,,", "3,23,,,,,,,,")
    _, errors = read_results_csv(data, lambda items: check_lines(items, roster))
    assert [str(error) for error in errors] == ["Line 3: Car 99 is not entered in this event."]


def test_a_cancelled_entry_does_not_count_as_entered(
    finished_event: Event, entered_cars: dict[str, Any]
) -> None:
    entered_cars["23"].status = "cancelled"
    entered_cars["23"].place_number = None
    entered_cars["23"].save()
    assert set(roster_for(finished_event)) == {"7"}


def test_a_drivers_public_results_history_lists_public_events_only(
    client: Client,
    race: Session,
    entered_cars: dict[str, Any],
    driver: Any,
    make_event: Any,
    make_session: Any,
) -> None:
    publish_results(
        session=race, source="typed", official=True, lines=[ResultLine(car_number="7", position=1)]
    )
    draft_session = make_session(make_event(status=Event.Status.DRAFT, slug="secret-test-day"))
    publish_results(
        session=draft_session,
        source="typed",
        lines=[ResultLine(car_number="7", position=1, driver_id=driver.pk, driver_name="Min")],
    )
    page = client.get(
        reverse("events:driver-results", args=[driver.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Shanghai Club Cup" in page
    assert "Club Cup round" not in page  # the draft event's title
    assert driver.email not in page
    assert client.get(reverse("events:driver-results", args=[999_999])).status_code == 404


def test_a_driver_without_results_sees_an_empty_page_that_others_cannot_open(
    client: Client, driver: Any, outsider: Any
) -> None:
    url = reverse("events:driver-results", args=[driver.pk])
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(driver)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No results yet." in page
    assert url in page  # the "My results" link in the account menu
