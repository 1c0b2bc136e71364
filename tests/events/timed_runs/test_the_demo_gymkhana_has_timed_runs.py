"""`seed_demo` leaves an NEV gymkhana day: official morning runs with cones, a DNF or an off, and
an afternoon under way on a live timed-runs board that `runs_simulate` keeps moving."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from events.demo.timed_runs import AFTERNOON, EVENT_SLUG, MORNING
from events.models import SessionResult, TimedRun
from live.demo.sessions import runs_board

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_gymkhana_has_official_runs_and_a_moving_board(client: Client) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    morning = SessionResult.objects.get(session__event__slug=EVENT_SLUG, session__name=MORNING)
    assert morning.is_official
    runs = TimedRun.objects.filter(session=morning.session)
    assert runs.count() == 24
    assert runs.filter(cones__gt=0).count() >= 3
    assert runs.exclude(status="ok").exists()
    rows = list(morning.rows.all())
    assert all(row.driver_name for row in rows)
    assert all("indexed_ms" in row.extra for row in rows)
    page = client.get(reverse("events:session-results", args=[EVENT_SLUG, morning.session_id]))
    assert page.status_code == 200

    board = runs_board()
    assert board is not None and board.event_session.name == AFTERNOON
    seq = board.seq
    call_command("runs_simulate", "--demo", "--run-seconds", "0", stdout=io.StringIO())
    board.refresh_from_db()
    assert board.seq > seq
    assert all(row["runs_left"] == 0 for row in board.snapshot["rows"])
    assert client.get(f"/live/{board.pk}/").status_code == 200
