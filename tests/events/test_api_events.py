"""The read API: the event list with the list page's filters, one event with schedule and
classes, public data only, and 404 / 422 (never 500) for bad requests."""

from __future__ import annotations

import pytest
import time_machine

from events.models import Event
from tests.events.conftest import local

pytestmark = pytest.mark.django_db

NOW = local(2027, 3, 1, 12)


def test_it_lists_public_upcoming_events_with_the_same_filters_as_the_page(client, make_event):
    with time_machine.travel(NOW, tick=False):
        make_event(title="Shanghai round", starts_at=local(2027, 4, 10, 8))
        make_event(
            title="Kart sprint",
            tier="karting",
            province="guangdong",
            city="Guangzhou",
            starts_at=local(2027, 5, 2, 8),
        )
        make_event(title="Draft", status=Event.Status.DRAFT)
        everything = client.get("/api/events/").json()
        karting = client.get("/api/events/", {"tier": "karting", "province": "guangdong"}).json()
        may = client.get("/api/events/", {"month": "2027-05", "q": "sprint"}).json()
        page_events = client.get("/events/", {"tier": "karting", "province": "guangdong"}).context[
            "events"
        ]
    assert [e["title"] for e in everything["items"]] == ["Shanghai round", "Kart sprint"]
    assert everything["count"] == 2 and everything["pages"] == 1
    assert (
        [e["title"] for e in karting["items"]] == [e.title for e in page_events] == ["Kart sprint"]
    )
    assert [e["title"] for e in may["items"]] == ["Kart sprint"]


def test_one_event_comes_with_its_schedule_and_classes(client, event, make_competition_class):
    event.entry_classes.update(competition_class=make_competition_class(event.organization))
    data = client.get(f"/api/events/{event.slug}").json()
    assert data["title"] == "Shanghai Club Cup"
    assert data["organizer"] == {"name": "Shanghai Motor Club", "slug": "shanghai-motor-club"}
    assert data["venue"]["province"] == "shanghai"
    assert [s["name"] for s in data["sessions"]] == ["Race 1"]
    [entry_class] = data["classes"]
    assert entry_class["name"] == "Rookie Cup"
    assert entry_class["competition_class"]["slug"] == "rookie-cup"
    assert entry_class["places_left"] == 24 and entry_class["currency"] == "CNY"
    assert entry_class["fee"] == "800.00"  # money as a decimal string, never a float
    assert data["calendar_url"].endswith(f"/events/{event.slug}/calendar.ics")


def test_it_exposes_no_private_data(client, event):
    body = client.get(f"/api/events/{event.slug}").content.decode()
    assert event.organization.contact_email not in body
    assert "owner@club.test" not in body and "staff@club.test" not in body


def test_drafts_and_unknown_slugs_are_404(client, make_event):
    draft = make_event(status=Event.Status.DRAFT)
    assert client.get(f"/api/events/{draft.slug}").status_code == 404
    assert client.get("/api/events/nope").status_code == 404


@pytest.mark.parametrize(
    "params",
    [{"tier": "formula-one"}, {"month": "2027-13"}, {"page": "0"}, {"registration_open": "maybe"}],
)
def test_bad_filters_are_422_with_the_field_named(client, db, params):
    response = client.get("/api/events/", params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == next(iter(params))


def test_the_openapi_document_describes_the_event_endpoints(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert {"/api/events/", "/api/events/{slug}"} <= set(document["paths"])
    parameters = {p["name"] for p in document["paths"]["/api/events/"]["get"]["parameters"]}
    assert {
        "q",
        "tier",
        "discipline",
        "province",
        "city",
        "month",
        "registration_open",
    } <= parameters
