"""The home page, the event list, an event's page and the events API are built once and served
from the cache (no query at all on a repeat visit), and every change to what they show (in any
language, under any filter) is on the next request: events.services.page_cache."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.services import page_cache
from events.services.events import update_event
from events.services.registration import register_entry

pytestmark = pytest.mark.django_db

LIST = reverse("events:event-list")


def page(client, url: str, language: str = "en") -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url", ["/", LIST, f"{LIST}?tier=national", "/events/shanghai-club-cup/", "/api/events/"]
)
def test_a_repeat_visit_runs_no_query(client, event, url):
    assert queries(client, url) > 0
    assert queries(client, url) == 0


def test_an_edited_event_shows_at_once_in_both_languages_and_every_filter(client, event):
    urls = ["/", LIST, f"{LIST}?tier=national", event.get_absolute_url(), "/api/events/"]
    for url in urls:
        for language in ("en", "zh-hans"):
            assert "Shanghai Club Cup" in page(client, url, language)
    update_event(event=event, title="Pudong Night Sprint")
    for url in urls:
        for language in ("en", "zh-hans"):
            text = page(client, url, language)
            assert "Pudong Night Sprint" in text and "Shanghai Club Cup" not in text, url


def test_a_filter_that_no_longer_matches_drops_the_event(client, event):
    assert "Shanghai Club Cup" in page(client, f"{LIST}?tier=national")
    assert "Shanghai Club Cup" not in page(client, f"{LIST}?tier=karting")
    event.tier = "karting"
    event.save()  # as the admin does: a plain save, seen by the model signals
    assert "Shanghai Club Cup" not in page(client, f"{LIST}?tier=national")
    assert "Shanghai Club Cup" in page(client, f"{LIST}?tier=karting")


def test_a_renamed_organizer_a_new_session_and_a_new_class_show(
    client, event, make_session, make_entry_class
):
    url = event.get_absolute_url()
    before = page(client, url)
    assert "Shanghai Motor Club" in before and "Night heat" not in before
    organization = event.organization
    organization.name = "Pudong Racing Club"
    organization.save()
    make_session(event, name="Night heat")
    make_entry_class(event, name="Legends", capacity=12)
    after = page(client, url)
    assert "Pudong Racing Club" in after and "Night heat" in after and "12 of 12" in after
    assert "Pudong Racing Club" in page(client, LIST)


def test_places_left_follow_each_entry_and_other_pages_stay_cached(
    client, event, make_event, make_user
):
    other = make_event(title="Zhuhai Enduro", slug="zhuhai-enduro")
    assert "24 of 24" in page(client, event.get_absolute_url())
    page(client, other.get_absolute_url())
    api = f"/api/events/{event.slug}"
    assert client.get(api).json()["classes"][0]["places_left"] == 24

    register_entry(
        driver=make_user("fast@example.test"),
        entry_class_id=event.entry_classes.get().pk,
        event_id=event.pk,
        event_sequence=None,
        shown_fee_minor=None,
    )

    assert "23 of 24" in page(client, event.get_absolute_url())
    assert client.get(api).json()["classes"][0]["places_left"] == 23
    # An entry changes only its own event's places: the other event's page is still cached.
    assert queries(client, other.get_absolute_url()) == 0


def test_a_page_is_kept_no_longer_than_until_registration_opens():
    now = timezone.now()
    opening = now + timedelta(seconds=7)
    assert page_cache.lifetime([opening, now + timedelta(days=3)], now=now) == 7
    assert page_cache.lifetime([now - timedelta(days=1), None], now=now) == (
        page_cache.PAGE_CACHE_SECONDS
    )


def test_an_event_whose_registration_opens_soon_gets_a_short_lived_page(client, make_event):
    soon = make_event(registration_opens_at=timezone.now() + timedelta(seconds=5))
    page(client, soon.get_absolute_url())
    # The cached page dies when registration opens: then it is built again with the Enter button.
    soon.refresh_from_db()
    moments = page_cache.moments_of([soon])
    assert 0 < page_cache.lifetime(moments, now=timezone.now()) <= 5


def test_an_unpublished_event_disappears_and_its_page_is_404(client, event):
    assert "Shanghai Club Cup" in page(client, LIST)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)
    # A raw update() sends no signal; services call touch_event, which bumps the catalogue.
    from events.services.events import touch_event

    touch_event(event=event)
    assert "Shanghai Club Cup" not in page(client, LIST)
    assert client.get(event.get_absolute_url()).status_code == 404
    assert client.get(f"/api/events/{event.slug}").status_code == 404


def test_the_api_answers_304_to_a_client_with_the_current_etag(client, event):
    first = client.get("/api/events/")
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag
    again = client.get("/api/events/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    update_event(event=event, title="Pudong Night Sprint")
    changed = client.get("/api/events/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Pudong Night Sprint" in changed.content.decode()


def test_the_api_list_in_each_language_has_its_own_labels(client, event):
    english = client.get("/api/events/", HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = client.get("/api/events/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert english["items"][0]["tier_label"] != chinese["items"][0]["tier_label"]


def test_a_session_going_live_shows_on_the_home_page_at_once(client, event):
    from live.models import LiveSession

    assert "Live timing" not in page(client, "/")
    LiveSession.objects.create(
        name="Race 1", status=LiveSession.Status.LIVE, event_session=event.sessions.get()
    )
    assert "Live timing" in page(client, "/")
    assert "Live timing" in page(client, event.get_absolute_url())
