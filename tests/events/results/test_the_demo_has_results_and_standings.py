"""`seed_demo` leaves a finished event with results, lap charts, a correction and standings."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from events.demo.results import CHAMPIONSHIP_SLUG, EVENT_SLUG
from events.models import Championship, LapRecord, ResultRevision, SessionResult

pytestmark = pytest.mark.django_db


def test_the_demo_is_complete_and_the_same_when_run_again(client: Client) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    results = SessionResult.objects.filter(session__event__slug=EVENT_SLUG)
    assert results.count() == 3
    assert all(result.is_official for result in results)
    assert LapRecord.objects.filter(session__event__slug=EVENT_SLUG).count() > 200
    assert ResultRevision.objects.filter(result__in=results, number=2).count() == 1
    championship = Championship.objects.get(slug=CHAMPIONSHIP_SLUG)
    assert championship.rounds.count() == 2
    assert championship.standings.filter(promoted=True).count() >= 3
    race2 = results.get(session__name__contains="Race 2")
    page = client.get(reverse("events:session-results", args=[EVENT_SLUG, race2.session_id]))
    assert page.status_code == 200
    assert page.content.decode().count("<svg") == 2
