"""`seed_demo` leaves a heritage rally with a route of time controls and secret checks and official
results, and a rally running now whose control pages take a marshal's stamp and whose standings
are on the live fan-out; running it again changes nothing."""

from __future__ import annotations

import io
import json
import uuid

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.demo.regularity import LIVE_SLUG, PAST_SLUG
from events.models import Route, SessionResult, Stamp
from live.models import LiveSession

pytestmark = pytest.mark.django_db


def test_the_demo_rallies(client: Client, django_capture_on_commit_callbacks) -> None:
    # The running rally has the stamps due by now: both runs see the same now, or a crew reaching
    # a control between them would add a stamp (it did, once in a few hundred runs).
    with time_machine.travel(timezone.now(), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", stdout=io.StringIO())
        stamps = Stamp.objects.count()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", stdout=io.StringIO())
    assert Stamp.objects.count() == stamps

    past = Route.objects.get(session__event__slug=PAST_SLUG)
    kinds = set(past.controls.values_list("kind", flat=True))
    assert {"time_control", "secret"} <= kinds
    result = SessionResult.objects.get(session=past.session)
    assert result.is_official
    positions = [row.position for row in result.rows.all()]
    assert positions[:6] == [1, 2, 3, 4, 5, 6]
    crew8 = result.rows.get(car_number="8").extra["controls"]
    assert next(c for c in crew8 if c["code"] == "TC2")["outcome"] == "otl"
    crew6 = result.rows.get(car_number="6").extra["controls"]
    assert next(c for c in crew6 if c["code"] == "SC2")["outcome"] == "missed"
    page = client.get(reverse("events:session-results", args=[PAST_SLUG, past.session_id]))
    assert page.status_code == 200 and "data-conflict" not in page.content.decode()

    live = Route.objects.get(session__event__slug=LIVE_SLUG)
    assert LiveSession.objects.filter(event_session=live.session, source="controls").exists()
    control = live.controls.get(code="TC2")
    assert client.get(reverse("events:control-page", args=[control.token])).status_code == 200
    answer = client.post(
        reverse("events:control-sync", args=[control.token]),
        data=json.dumps(
            {
                "stamps": [
                    {
                        "key": str(uuid.uuid4()),
                        "number": 5,
                        "at_ms": round(timezone.now().timestamp() * 1000),
                    }
                ]
            }
        ),
        content_type="application/json",
    ).json()
    assert len(answer["accepted"]) == 1
    standings = client.get(
        reverse("events:regularity-standings", args=[LIVE_SLUG, live.session_id])
    )
    assert "data-socket" in standings.content.decode()
