"""Touring: the same route without scoring. Staff list each crew's members with emergency
contacts; a crew opens its passport link and stamps waypoints by scanning their QR codes (once
each); the roll call shows who reached the last waypoint and who has not, the longest unseen
first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Control, CrewMember, Entry, Event, Route, Stamp
from events.services import regularity as services
from events.views.regularity import passport_token


@pytest.fixture
def tour(rally: Route) -> Route:
    rally.controls.all().delete()
    rally.mode = Route.Mode.TOURING
    rally.save()
    services.add_control(route=rally, code="W0", kind="start", name="Hotel")
    services.add_control(route=rally, code="W1", kind="passage", name="Lake")
    services.add_control(route=rally, code="W2", kind="finish", name="Camp")
    return rally


def staff_url(route: Route, name: str) -> str:
    event = route.session.event
    return reverse(
        name,
        kwargs={
            "org_slug": event.organization.slug,
            "slug": event.slug,
            "session_id": route.session_id,
        },
    )


def test_staff_add_crew_members_with_emergency_contacts(
    client: Client, tour: Route, organizer: Any
) -> None:
    client.force_login(organizer)
    entry = Entry.objects.get(event=tour.session.event, car_number=2)
    url = staff_url(tour, "events:crews-manage")
    refused = client.post(
        url, {"action": "add", "entry": entry.pk, "role": "navigator", "name": "Li Na"}
    )
    assert refused.status_code == 200 and not CrewMember.objects.exists()
    client.post(
        url,
        {
            "action": "add",
            "entry": entry.pk,
            "role": "navigator",
            "name": "Li Na",
            "emergency_name": "Li Wei",
            "emergency_phone": "+86 138 0000 0002",
        },
    )
    member = CrewMember.objects.get()
    assert member.entry == entry
    page = client.get(url).content.decode()
    assert "Li Na" in page and "data-passport" in page


def test_a_crew_stamps_its_passport_once_per_waypoint(
    tour: Route, control: Callable[[str], Control]
) -> None:
    entry = Entry.objects.get(event=tour.session.event, car_number=3)
    crew = Client()
    waypoint = reverse("events:waypoint", kwargs={"token": control("W1").waypoint_token})
    assert "passport link" in crew.get(waypoint, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    crew.post(waypoint)
    assert not Stamp.objects.exists()  # no passport on this phone yet
    passport = reverse("events:passport", kwargs={"token": passport_token(entry.pk)})
    assert crew.get(passport).status_code == 200
    assert crew.post(waypoint).status_code == 302
    crew.post(waypoint)
    stamp = Stamp.objects.get()
    assert (stamp.car_number, stamp.control.code, stamp.source) == (3, "W1", Stamp.Source.CREW)
    assert "data-stamped" in crew.get(passport).content.decode()
    # The marshal's token never opens the crews' page, and a forged passport is a 404.
    assert (
        Client().get(reverse("events:waypoint", kwargs={"token": control("W1").token})).status_code
        == 404
    )
    assert Client().get(reverse("events:passport", kwargs={"token": "1:forged"})).status_code == 404


def test_the_roll_call_lists_who_has_not_arrived_first(
    client: Client, tour: Route, organizer: Any, control: Callable[[str], Control]
) -> None:
    start = tour.standard_start
    Stamp.objects.create(control=control("W0"), car_number=1, at=start, source="tap")
    Stamp.objects.create(
        control=control("W2"), car_number=1, at=start + timedelta(hours=2), source="tap"
    )
    Stamp.objects.create(
        control=control("W1"), car_number=2, at=start + timedelta(hours=1), source="tap"
    )
    client.force_login(organizer)
    page = client.get(staff_url(tour, "events:roll-call")).content.decode()
    order = [page.index(f'data-roll="{n}"') for n in (3, 2, 1)]
    assert order == sorted(order)  # never seen, then last seen at W1, then arrived
    assert 'data-arrived="1"' in page
    assert "1 of 3 crews have reached W2." in page


def test_a_tours_waypoints_need_no_section_time(
    make_event: Callable[..., Event], make_session: Callable[..., Any]
) -> None:
    event = make_event(slug="rv-tour", discipline="regularity")
    session = make_session(event)
    route = services.save_route(
        session=session, mode=Route.Mode.TOURING, standard_start=session.starts_at, interval_s=60
    )
    services.add_control(route=route, code="A", kind="start")
    services.add_control(route=route, code="B", kind="passage")
    assert route.controls.count() == 2
