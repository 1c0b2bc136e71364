"""seed_demo replays the shared P3 capture into a finished live session of the kart night's heat,
with one ad-hoc transponder named through the service, so the Transponders page has content; it is
made once, and the demo goes on without it when the capture is absent."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from live.demo import sessions as demo
from live.models import LiveSession, LiveTransponder
from racing.demo.registry import ORGANIZER_EMAIL

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_replay_is_finished_with_one_named_transponder(
    client: Client, shared_timing_dir: str
) -> None:
    assert Path(shared_timing_dir) == demo.P3_CAPTURE.parent
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    (session,) = LiveSession.objects.filter(source=LiveSession.Source.P3)
    assert session.status == LiveSession.Status.FINISHED
    assert session.event_session.event.slug == demo.P3_EVENT_SLUG
    assert len(session.snapshot["rows"]) == 3
    (named,) = session.transponders.exclude(name="")
    assert (named.number, named.name, named.class_name) == demo.P3_NAMED
    assert f"Live P3 replay {session.pk}" in out.getvalue()

    client.force_login(get_user_model().objects.get(email=ORGANIZER_EMAIL))
    org = session.event_session.event.organization.slug
    timing = client.get(reverse("live:timing", args=[org]), **EN).text
    transponders = reverse("live:transponders", args=[org, session.pk])
    assert transponders in timing
    assert "陈杰 Chen Jie" in client.get(transponders, **EN).text


def test_without_the_capture_the_demo_skips_it_and_says_so(tmp_path: Path) -> None:
    call_command("seed_demo", stdout=StringIO())
    LiveTransponder.objects.all().delete()
    LiveSession.objects.filter(source=LiveSession.Source.P3).delete()
    out = StringIO()
    missing = tmp_path / "p3-amb-short.out"
    assert demo.seed_p3_replay(out, capture=missing) is None
    assert "Live P3 demo skipped" in out.getvalue()
    assert not LiveSession.objects.filter(source=LiveSession.Source.P3).exists()
