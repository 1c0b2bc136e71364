"""Site staff (/admin/) find and fix entries, sessions, results and championships: each has a
searchable list and an edit page. What only the services may change (an entry's status and place,
an official result's rows) is shown read-only; a session moved here reaches subscribed calendars."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.world import DRIVER_EMAIL, World, build_world

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def world(make_user: Callable[..., Any]) -> World:
    return build_world(make_user)


@pytest.fixture
def admin_client(make_user: Callable[..., Any]) -> Client:
    client = Client()
    client.force_login(make_user("site.admin@example.test", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    ("model", "search", "expected"),
    [
        ("entry", DRIVER_EMAIL, DRIVER_EMAIL),
        ("session", "Final", "Final"),
        ("sessionresult", "Min Zhang", "Final"),
        ("championship", "Shanghai Club", "Shanghai Club Championship"),
    ],
)
def test_each_has_a_list_that_finds_its_rows(
    world: World, admin_client: Client, model: str, search: str, expected: str
) -> None:
    response = admin_client.get(reverse(f"admin:events_{model}_changelist"), {"q": search})
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert "0 results" not in response.content.decode()


def test_staff_correct_an_entrys_car_number_but_not_its_status(
    world: World, admin_client: Client
) -> None:
    entry = world.entry
    url = reverse("admin:events_entry_change", args=[entry.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "car_number" in form.fields
    assert "status" not in form.fields and "place_number" not in form.fields
    data = {name: form[name].value() or "" for name in form.fields}
    data["car_number"] = "88"
    old_status = entry.status
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry.refresh_from_db()
    assert entry.car_number == 88
    assert entry.status == old_status


def test_moving_a_session_in_the_admin_bumps_its_events_calendar_sequence(
    world: World, admin_client: Client
) -> None:
    session = world.session
    event = session.event
    before = event.sequence
    url = reverse("admin:events_session_change", args=[session.pk])
    # The admin reads times in the site's time zone.
    starts = timezone.localtime(session.starts_at + timedelta(minutes=30))
    ends = timezone.localtime(session.ends_at + timedelta(minutes=30))
    response = admin_client.post(
        url,
        {
            "event": event.pk,
            "kind": session.kind,
            "name": session.name,
            "starts_at_0": starts.strftime("%Y-%m-%d"),
            "starts_at_1": starts.strftime("%H:%M:%S"),
            "ends_at_0": ends.strftime("%Y-%m-%d"),
            "ends_at_1": ends.strftime("%H:%M:%S"),
            "format": session.format,
            "rules": json.dumps(session.rules),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.sequence == before + 1


def test_an_official_results_rows_are_read_only_and_a_provisional_ones_editable(
    world: World, admin_client: Client
) -> None:
    result = world.race.result
    url = reverse("admin:events_sessionresult_change", args=[result.pk])
    official = admin_client.get(url)
    assert official.status_code == 200
    assert 'name="rows-0-driver_name"' not in official.content.decode()
    assert "Min Zhang" in official.content.decode()

    result.state = result.State.PROVISIONAL
    result.save(update_fields=["state"])
    provisional = admin_client.get(url)
    assert 'name="rows-0-driver_name"' in provisional.content.decode()


def test_a_championships_page_lists_its_classes_and_rounds(
    world: World, admin_client: Client
) -> None:
    url = reverse("admin:events_championship_change", args=[world.championship.pk])
    page = admin_client.get(url).content.decode()
    assert "Rookie Cup" in page
    assert 'name="rounds-0-session"' in page
