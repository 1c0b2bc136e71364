"""The public event page shows the schedule, the classes with places left, the organizer and
the venue; drafts and unknown slugs are 404."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event

pytestmark = pytest.mark.django_db


def test_it_shows_schedule_classes_places_organizer_and_venue(client, event, make_entry_class):
    make_entry_class(
        event, name="Open", capacity=30, fee=Decimal("1800.00"), approval_required=True
    )
    page = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in [
        "Shanghai Club Cup",
        "Race 1",
        "Rookie Cup",
        "24 of 24",
        "30 of 30",
        "1800.00 CNY",
        "Approval required",
        "Shanghai Motor Club",
        "Shanghai International Circuit",
    ]:
        assert text in page, text


def test_places_left_subtract_the_entries_holding_a_place(client, event, make_user):
    from events.models import Entry

    entry_class = event.entry_classes.get()
    for n, status in enumerate(["confirmed", "confirmed", "pending_approval", "waitlisted"]):
        Entry.objects.create(
            event=event,
            entry_class=entry_class,
            driver=make_user(f"d{n}@x.test"),
            status=status,
            fee_minor=80000,
            place_number=None if status == "waitlisted" else n + 1,
        )
    page = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "21 of 24" in page  # the waitlisted entry holds no place
    assert entry_class.places_left == 21


def test_it_runs_a_fixed_number_of_queries(client, event, make_entry_class, make_session):
    def queries() -> int:
        cache.clear()  # what building the page costs (a cached page runs none)
        with CaptureQueriesContext(connection) as captured:
            client.get(event.get_absolute_url())
        return len(captured)

    before = queries()
    for n in range(5):
        make_entry_class(event, name=f"Class {n}")
        make_session(event, name=f"Heat {n}")
    assert queries() == before


def test_a_cancelled_event_says_so_with_its_reason(client, event):
    Event.objects.filter(pk=event.pk).update(
        status=Event.Status.CANCELLED, cancellation_reason="Typhoon Haikui"
    )
    page = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This event is cancelled." in page and "Typhoon Haikui" in page


def test_drafts_and_unknown_slugs_are_404(client, make_event):
    draft = make_event(status=Event.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/events/no-such-event/").status_code == 404
    assert client.get("/events/no-such-event/calendar.ics").status_code == 404
