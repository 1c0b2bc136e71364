"""seed_demo runs the simulated race once to its end: a finished session whose replay answers,
linked from its results page, whose stored deltas fold to its final board, with the yellow flag,
the pit stop and the places gained that the simulator drives. Without the shared captures too."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from live.demo import sessions as demo
from live.models import LiveSession
from live.queries.replay import replay_deltas, snapshot_at

pytestmark = pytest.mark.django_db


def test_the_demo_race_replays_from_its_results_page(client: Client) -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())
    (session,) = LiveSession.objects.filter(name=demo.FINISHED_SESSION_NAME)
    assert session.status == LiveSession.Status.FINISHED
    assert f"/live/{session.pk}/replay/" in out.getvalue()

    assert snapshot_at(session, seq=session.seq) == session.snapshot
    deltas = replay_deltas(session, after=0)
    assert len(deltas) == session.seq > 50
    flags = {d.get("fields", {}).get("flag") for d in deltas}
    assert {"green", "yellow", "finish"} <= flags
    changes = [row for d in deltas for row in d.get("rows", [])]
    assert any(row.get("in_pit") for row in changes)
    assert any((row.get("places_gained") or 0) > 0 for row in changes)
    assert any((row.get("places_gained") or 0) < 0 for row in changes)

    event_session = session.event_session
    assert event_session is not None
    results = client.get(
        f"/events/{event_session.event.slug}/results/{event_session.pk}/",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert f'href="/live/{session.pk}/replay/"' in results
    assert client.get(f"/live/{session.pk}/replay/").status_code == 200
