"""The raw feed kept for a live session replays into a fresh session with the same board."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from live.feeds.replay import replay
from live.models import LiveSession
from live.services.timing import create_live_session


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "format"),
    [("rmonitor-Orbits_Mock_Session.txt", "rmonitor"), ("p3-amb-short.out", "p3")],
)
def test_exported_feed_replays_to_the_same_rows(
    shared_timing_dir: str, tmp_path: Path, name: str, format: str
) -> None:
    with open(os.path.join(shared_timing_dir, name), "rb") as capture:
        data = capture.read()
    original = create_live_session(name="Original")
    replay(session_id=original.pk, data=data, format=format, speed=0)
    exported = tmp_path / "feed.bin"
    call_command("live_export_feed", str(original.pk), str(exported))
    call_command("live_replay", str(exported), "--format", format, "--speed", "0")
    copy = LiveSession.objects.exclude(pk=original.pk).get()
    original.refresh_from_db()
    assert copy.snapshot["rows"] == original.snapshot["rows"]
    assert len(copy.snapshot["rows"]) >= 3
