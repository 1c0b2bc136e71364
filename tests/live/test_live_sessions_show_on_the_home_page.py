"""The home page's "Live now" lists sessions that are live, public and still talking."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from events.models import Event, Session
from live.models import LiveSession
from racing.models import Organization


@pytest.fixture
def race(organization: Organization):
    def make(status: str) -> Session:
        starts = timezone.now()
        event = Event.objects.create(
            organization=organization,
            title=f"Club Cup {status}",
            slug=f"club-cup-{status}",
            tier="national",
            discipline="circuit",
            venue_name="Shanghai International Circuit",
            province="shanghai",
            city="Shanghai",
            starts_at=starts,
            ends_at=starts + timedelta(hours=8),
            status=status,
        )
        return Session.objects.create(
            event=event, kind=Session.Kind.RACE, name="Race 2", starts_at=starts,
            ends_at=starts + timedelta(hours=1),
        )  # fmt: skip

    return make


def live(name: str, **fields) -> LiveSession:
    return LiveSession.objects.create(name=name, status=LiveSession.Status.LIVE, **fields)


def test_live_public_and_ad_hoc_sessions_are_listed_with_a_link_to_their_board(
    client: Client, race
) -> None:
    public = live("Race 2", event_session=race(Event.Status.PUBLISHED))
    ad_hoc = live("Test day")

    html = client.get("/").content.decode()

    assert f'href="/live/{public.pk}/"' in html
    assert "Club Cup published · Race 2" in html
    assert f'href="/live/{ad_hoc.pk}/"' in html


def test_draft_finished_and_silent_sessions_are_not_listed(client: Client, race) -> None:
    draft = live("Secret", event_session=race(Event.Status.DRAFT))
    finished = LiveSession.objects.create(name="Over", status=LiveSession.Status.FINISHED)
    silent = live("Left behind")
    LiveSession.objects.filter(pk=silent.pk).update(updated_at=timezone.now() - timedelta(hours=1))

    html = client.get("/").content.decode()

    for session in (draft, finished, silent):
        assert f'href="/live/{session.pk}/"' not in html


def test_a_draft_events_live_board_and_snapshot_are_not_public(client: Client, race) -> None:
    draft = live("Secret", event_session=race(Event.Status.DRAFT))

    assert client.get(f"/live/{draft.pk}/").status_code == 404
    assert client.get(f"/api/live/sessions/{draft.pk}/").status_code == 404
