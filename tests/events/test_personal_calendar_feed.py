"""A driver's personal feed lives at a secret, revocable address and lists their events."""

from __future__ import annotations

import icalendar
import pytest
from django.urls import reverse

from events import queries
from events.models import CalendarToken, Event

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


def test_the_feed_lists_the_events_the_driver_entered(client, driver, make_event, monkeypatch):
    """The entries themselves belong to the registration work; the feed lists whatever
    events.queries.events_entered_by returns for the token's owner, and only for them."""
    entered = make_event(title="Entered round")
    make_event(title="Other round")
    seen_users = []

    def entered_by(user):
        seen_users.append(user)
        return Event.objects.filter(pk=entered.pk)

    monkeypatch.setattr(queries, "events_entered_by", entered_by)
    token = CalendarToken.objects.create(user=driver)
    response = client.get(token.get_feed_url())
    summaries = [
        str(c["SUMMARY"]) for c in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    ]
    assert summaries == ["Entered round"]
    assert seen_users == [driver]


def test_until_entries_exist_a_driver_has_entered_nothing(driver, event):
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
