"""A driver's personal feed lives at a secret, revocable address and lists their events."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import CalendarToken
from events.queries import events as queries

pytestmark = pytest.mark.django_db


def test_a_driver_creates_an_address_and_the_feed_answers(client, driver):
    client.force_login(driver)
    client.post(reverse("events:personal-calendar"), {"action": "renew"})
    token = CalendarToken.objects.get(user=driver, revoked_at__isnull=True)
    page = client.get(reverse("events:personal-calendar")).content.decode()
    assert token.get_feed_url() in page
    client.logout()  # calendar apps do not log in: the token is the credential
    response = client.get(token.get_feed_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    assert icalendar.Calendar.from_ical(response.content).walk("VEVENT") == []


def enter(event, user, status, place=None):
    from events.models import Entry

    return Entry.objects.create(
        event=event,
        entry_class=event.entry_classes.get(),
        driver=user,
        status=status,
        fee_minor=80000,
        place_number=place,
        expires_at=timezone.now() - timedelta(minutes=1) if status == "held" else None,
    )


def test_the_feed_lists_the_events_the_driver_entered_and_nothing_else(
    client, driver, make_user, make_event, make_entry_class
):
    rounds = {}
    for title in ["Confirmed", "Waitlisted", "Cancelled", "Lapsed hold", "Someone else"]:
        rounds[title] = make_event(title=title)
        make_entry_class(rounds[title])
    enter(rounds["Confirmed"], driver, "confirmed", place=1)
    enter(rounds["Waitlisted"], driver, "waitlisted")
    enter(rounds["Cancelled"], driver, "cancelled")
    enter(rounds["Lapsed hold"], driver, "held", place=1)
    enter(rounds["Someone else"], make_user("other@x.test"), "confirmed", place=1)
    token = CalendarToken.objects.create(user=driver)
    response = client.get(token.get_feed_url())
    calendar = icalendar.Calendar.from_ical(response.content)
    assert sorted(str(c["SUMMARY"]) for c in calendar.walk("VEVENT")) == ["Confirmed", "Waitlisted"]


def test_a_driver_with_no_entries_has_an_empty_feed(driver, event):
    assert list(queries.events_entered_by(driver)) == []


def test_a_revoked_or_replaced_address_stops_working(client, driver):
    client.force_login(driver)
    client.post(reverse("events:personal-calendar"), {"action": "renew"})
    old = CalendarToken.objects.get(user=driver)
    client.post(reverse("events:personal-calendar"), {"action": "renew"})
    new = CalendarToken.objects.get(user=driver, revoked_at__isnull=True)
    assert new.token != old.token
    assert client.get(old.get_feed_url()).status_code == 404
    assert client.get(new.get_feed_url()).status_code == 200
    client.post(reverse("events:personal-calendar"), {"action": "revoke"})
    assert client.get(new.get_feed_url()).status_code == 404
    assert not CalendarToken.objects.filter(user=driver, revoked_at__isnull=True).exists()


def test_an_unknown_token_is_404(client, db):
    assert client.get("/calendar/token/not-a-real-token.ics").status_code == 404


def test_managing_the_address_needs_a_login(client, db):
    response = client.get(reverse("events:personal-calendar"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
