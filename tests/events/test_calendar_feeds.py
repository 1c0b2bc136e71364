"""Public feeds per tier and per organization: public events only (cancelled ones included so
that subscribers learn of it), text/calendar, and ETag / Last-Modified revalidation with 304."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.services.events import cancel_event, update_event

pytestmark = pytest.mark.django_db


def summaries(response) -> set[str]:
    return {
        str(c["SUMMARY"]) for c in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    }


def test_the_tier_feed_lists_that_tier_only_and_never_drafts(client, make_event):
    make_event(title="National round", tier="national")
    make_event(title="Kart sprint", tier="karting")
    make_event(title="Draft round", tier="national", status=Event.Status.DRAFT)
    response = client.get(reverse("events:tier-feed", kwargs={"tier": "national"}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert summaries(response) == {"National round"}


def test_the_organization_feed_lists_its_events_and_shows_cancellations(
    client, make_event, organization, other_organization
):
    kept = make_event(title="Spring round")
    dropped = make_event(title="Autumn round")
    make_event(title="Rival round", organization=other_organization)
    cancel_event(event=dropped, reason="Circuit closed")
    response = client.get(reverse("events:organization-feed", kwargs={"slug": organization.slug}))
    calendar = icalendar.Calendar.from_ical(response.content)
    status = {str(c["SUMMARY"]): str(c["STATUS"]) for c in calendar.walk("VEVENT")}
    assert status[kept.title] == "CONFIRMED"
    assert any(s == "CANCELLED" and "Autumn round" in t for t, s in status.items())
    assert not any("Rival" in t for t in status)


def test_unknown_tier_and_organization_are_404(client, db):
    assert client.get("/calendar/tier/formula-one.ics").status_code == 404
    assert client.get("/calendar/organizer/nobody.ics").status_code == 404


def test_an_unchanged_feed_answers_304_to_its_etag_and_date(client, make_event):
    make_event(title="National round")
    url = reverse("events:tier-feed", kwargs={"tier": "national"})
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag and modified
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(url).content == first.content  # DTSTAMP does not tick with the clock


def test_a_changed_feed_gets_a_new_etag_and_a_full_answer(client, make_event):
    event = make_event(title="National round")
    url = reverse("events:tier-feed", kwargs={"tier": "national"})
    first = client.get(url)
    with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=False):
        update_event(event=event, title="National round (moved)")
    response = client.get(
        url, HTTP_IF_NONE_MATCH=first["ETag"], HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]
    assert summaries(response) == {"National round (moved)"}


def test_the_single_event_download_revalidates_too(client, event):
    url = reverse("events:event-ics", kwargs={"slug": event.slug})
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_poll_of_an_unchanged_feed_is_answered_without_building_it(
    client, make_event, monkeypatch
):
    from events.views import calendar as views

    make_event(title="National round")
    url = reverse("events:tier-feed", kwargs={"tier": "national"})
    etag = client.get(url)["ETag"]

    def refuse(*args, **kwargs):
        raise AssertionError("the feed was built again")

    monkeypatch.setattr(views, "build_calendar", refuse)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url).status_code == 200  # served from the cache of built feeds


def test_the_feed_reaches_back_a_year_and_the_event_file_always_works(client, make_event):
    old = make_event(
        title="Two years ago", starts_at=timezone.now() - timedelta(days=730), status="completed"
    )
    make_event(
        title="Last month", starts_at=timezone.now() - timedelta(days=30), status="completed"
    )
    response = client.get(reverse("events:tier-feed", kwargs={"tier": "national"}))
    assert summaries(response) == {"Last month"}
    assert summaries(client.get(reverse("events:event-ics", kwargs={"slug": old.slug}))) == {
        "Two years ago"
    }


def test_the_feed_follows_the_language_of_the_request(client, make_event):
    event = make_event(title="National round")
    cancel_event(event=event, reason="Typhoon")
    url = reverse("events:tier-feed", kwargs={"tier": "national"})
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert summaries(english) == {"Cancelled: National round"}
    assert summaries(chinese) == {"已取消：National round"}
    assert english["ETag"] != chinese["ETag"]
