"""The kart meeting's staff page and the public grid page, with a real client and database."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from events.models import DriverWeight, Entry, EntryClass, Event, Session, StartingGrid
from racing.models import CompetitionClass

from .conftest import finish

pytestmark = pytest.mark.django_db


def _meeting_url(event: Event) -> str:
    return reverse(
        "events:kart-meeting", kwargs={"org_slug": event.organization.slug, "slug": event.slug}
    )


def test_staff_make_the_grids_step_by_step_and_print_them(
    client: Client, staff_member: Any, meeting: Event, stages: dict[str, Session]
) -> None:
    client.force_login(staff_member)
    assert client.get(_meeting_url(meeting)).status_code == 200
    response = client.post(_meeting_url(meeting), {"action": "heat_grids"})
    assert response.status_code == 302
    assert StartingGrid.objects.filter(session__event=meeting).count() == 3
    heat = stages["Heat 1"]
    response = client.post(
        _meeting_url(meeting), {"action": "karts", "session": heat.pk, "karts": "20-23"}
    )
    assert response.status_code == 302
    assert sorted(StartingGrid.objects.get(session=heat).karts.values()) == [
        "20",
        "21",
        "22",
        "23",
    ]
    for name in ("Heat 1", "Heat 2", "Heat 3"):
        finish(stages[name], StartingGrid.objects.get(session=stages[name]).order)
    response = client.post(
        _meeting_url(meeting), {"action": "final_grid", "session": stages["Pre-final"].pk}
    )
    assert response.status_code == 302
    # The public, printable grid: places, numbers and the drivers' names from the results.
    client.logout()
    page = client.get(reverse("events:kart-grid", args=[meeting.slug, stages["Pre-final"].pk]))
    assert page.status_code == 200
    grid = StartingGrid.objects.get(session=stages["Pre-final"]).order
    assert f"Driver {grid[0]}".encode() in page.content


def test_too_few_karts_and_nonsense_are_refused_with_a_message(
    client: Client, staff_member: Any, meeting: Event, stages: dict[str, Session], english: None
) -> None:
    client.force_login(staff_member)
    client.post(_meeting_url(meeting), {"action": "heat_grids"})
    heat = stages["Heat 1"]
    few = client.post(
        _meeting_url(meeting),
        {"action": "karts", "session": heat.pk, "karts": "1-3"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert few.status_code == 400
    assert "need at least 4 karts" in few.content.decode()
    junk = client.post(
        _meeting_url(meeting),
        {"action": "karts", "session": heat.pk, "karts": "1-4, ?!"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert junk.status_code == 400
    assert "is not a kart number" in junk.content.decode()
    assert StartingGrid.objects.get(session=heat).karts == {}


def test_a_weighed_driver_below_the_class_minimum_carries_ballast(
    client: Client, staff_member: Any, meeting: Event, driver: Any, organization: Any
) -> None:
    senior = CompetitionClass.objects.create(
        organization=organization,
        name="Senior",
        slug="senior",
        tier="karting",
        discipline="karting",
        rules={"min_driver_weight_kg": "80"},
    )
    entry_class = EntryClass.objects.create(
        event=meeting, name="Senior", capacity=10, fee=0, competition_class=senior
    )
    Entry.objects.create(
        place_number=1,
        event=meeting,
        entry_class=entry_class,
        driver=driver,
        status=Entry.Status.CONFIRMED,
        car_number=1,
        fee_minor=0,
        currency="CNY",
    )
    client.force_login(staff_member)
    response = client.post(
        _meeting_url(meeting), {"action": "weight", "car_number": "1", "weight_kg": "72.3"}
    )
    assert response.status_code == 302
    assert DriverWeight.objects.get(event=meeting).weight_kg == Decimal("72.3")
    page = client.get(_meeting_url(meeting)).content.decode()
    # 7.7 kg short, in 0.5 kg weights: 8.0 kg.
    assert "8.0" in page
    refused = client.post(
        _meeting_url(meeting), {"action": "weight", "car_number": "1", "weight_kg": "500"}
    )
    assert refused.status_code == 400


def test_the_meeting_page_is_for_the_events_staff_only(
    client: Client, outsider: Any, meeting: Event
) -> None:
    client.force_login(outsider)
    assert client.get(_meeting_url(meeting)).status_code == 404
    assert client.post(_meeting_url(meeting), {"action": "heat_grids"}).status_code == 404
    assert not StartingGrid.objects.exists()
    client.logout()
    assert client.get(_meeting_url(meeting)).status_code == 302  # to sign in
