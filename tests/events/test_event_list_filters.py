"""The public event list finds events by tier, province, city, month, discipline, open
registration and words, hides drafts, and pages through the rest."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from events.models import Event
from tests.events.conftest import local

pytestmark = pytest.mark.django_db

NOW = local(2027, 3, 1, 12)


@pytest.fixture
def calendar(make_event, make_organization, make_session, make_entry_class):
    karting_club = make_organization("Pearl River Karting")
    with time_machine.travel(NOW, tick=False):
        events = {
            "shanghai": make_event(
                title="Shanghai Club Cup",
                starts_at=local(2027, 4, 10, 8),
                province="shanghai",
                city="Shanghai",
            ),
            "karting": make_event(
                title="Guangzhou Kart Sprint",
                organization=karting_club,
                tier="karting",
                discipline="karting",
                province="guangdong",
                city="Guangzhou",
                venue_name="Panyu Kart Park",
                starts_at=local(2027, 5, 2, 8),
                registration_opens_at=local(2027, 3, 15),
                registration_closes_at=local(2027, 4, 30),
            ),
            "nev": make_event(
                title="Ningbo NEV Gymkhana",
                tier="nev",
                discipline="autocross",
                province="zhejiang",
                city="Ningbo",
                starts_at=local(2027, 5, 20, 8),
            ),
            "past": make_event(
                title="Zhuhai 4 Hours",
                province="guangdong",
                city="Zhuhai",
                starts_at=local(2027, 1, 10, 8),
                status=Event.Status.COMPLETED,
            ),
            "draft": make_event(
                title="Secret draft", status=Event.Status.DRAFT, starts_at=local(2027, 4, 1, 8)
            ),
        }
    # Registration is only open for an event with something to enter.
    for event in events.values():
        make_session(event)
        make_entry_class(event)
    return events


def titles(client, **params) -> list[str]:
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("events:event-list"), params)
    assert response.status_code == 200
    return [event.title for event in response.context["events"]]


def test_it_lists_upcoming_public_events_in_date_order(client, calendar):
    assert titles(client) == ["Shanghai Club Cup", "Guangzhou Kart Sprint", "Ningbo NEV Gymkhana"]


def test_it_filters_by_tier_and_discipline(client, calendar):
    assert titles(client, tier="karting") == ["Guangzhou Kart Sprint"]
    assert titles(client, discipline="autocross") == ["Ningbo NEV Gymkhana"]


def test_it_filters_by_province_and_city(client, calendar):
    assert titles(client, province="guangdong") == ["Guangzhou Kart Sprint"]
    assert titles(client, province="guangdong", when="past") == ["Zhuhai 4 Hours"]
    assert titles(client, city="ningbo") == ["Ningbo NEV Gymkhana"]


def test_it_filters_by_month_including_past_months(client, calendar):
    assert titles(client, month="2027-05") == ["Guangzhou Kart Sprint", "Ningbo NEV Gymkhana"]
    assert titles(client, month="2027-01") == ["Zhuhai 4 Hours"]


def test_it_filters_on_open_registration(client, calendar):
    # windows open 60 days ahead by default: Shanghai's opened on 9 February, Ningbo's opens
    # on 21 March, and the kart sprint's was set to open on 15 March
    assert titles(client, registration_open="on") == ["Shanghai Club Cup"]
    # The cached list would expire when the next window opens, by the cache's clock (Redis keeps
    # its own, which time_machine does not move): start the jump with an empty cache.
    cache.clear()
    with time_machine.travel(local(2027, 3, 25), tick=False):
        response = client.get(reverse("events:event-list"), {"registration_open": "on"})
    assert [e.title for e in response.context["events"]] == [
        "Shanghai Club Cup",
        "Guangzhou Kart Sprint",
        "Ningbo NEV Gymkhana",
    ]


def test_it_searches_title_venue_city_and_organizer(client, calendar):
    assert titles(client, q="gymkhana") == ["Ningbo NEV Gymkhana"]
    assert titles(client, q="panyu") == ["Guangzhou Kart Sprint"]
    assert titles(client, q="pearl river") == ["Guangzhou Kart Sprint"]
    assert titles(client, q="secret") == []


def test_a_bad_filter_is_reported_and_the_others_still_apply(client, calendar):
    with time_machine.travel(NOW, tick=False):
        response = client.get(
            reverse("events:event-list"),
            {"tier": "formula-one", "month": "2027-13", "city": "Ningbo"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert [e.title for e in response.context["events"]] == ["Ningbo NEV Gymkhana"]
    assert "Enter a month as YYYY-MM" in response.content.decode()


def test_it_pages_through_many_events(client, make_event):
    with time_machine.travel(NOW, tick=False):
        for n in range(25):
            make_event(title=f"Round {n:02d}", starts_at=NOW + timedelta(days=n + 1))
    first = titles(client)
    second = titles(client, page="2")
    assert len(first) == 20 and len(second) == 5
    assert first[0] == "Round 00" and second[-1] == "Round 24"
    assert titles(client, page="999") == second  # past the end: the last page, not an error
