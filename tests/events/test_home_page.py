"""The home page lists upcoming events and what is live now, including what the live app
reports through events.hooks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from events import hooks
from events.models import Event

pytestmark = pytest.mark.django_db


def test_it_lists_upcoming_published_events_only(client, make_event):
    make_event(title="Next weekend cup")
    make_event(title="Hidden draft", status=Event.Status.DRAFT)
    make_event(title="Long gone", starts_at=timezone.now() - timedelta(days=40), status="completed")
    page = client.get("/").content.decode()
    assert "Next weekend cup" in page
    assert "Hidden draft" not in page and "Long gone" not in page


def test_live_sessions_reported_by_the_live_app_appear_under_live_now(client, monkeypatch):
    monkeypatch.setattr(
        hooks,
        "live_now",
        [lambda **_: [hooks.LiveNow(title="Race 2 — Kart Night", url="/live/sessions/7/")]],
    )
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Live now" in page
    assert 'href="/live/sessions/7/"' in page and "Race 2 — Kart Night" in page


def test_an_event_on_track_right_now_is_shown_as_live(client, make_event):
    make_event(title="Kart Night", starts_at=timezone.now() - timedelta(hours=1))
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Live now" in page and "Kart Night" in page


def test_nothing_is_live_on_a_quiet_day(client, make_event):
    make_event(title="Later")
    assert "Live now" not in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
