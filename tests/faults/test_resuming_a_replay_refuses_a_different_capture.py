"""`live_replay --resume` continues only the capture the session was receiving."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from live.models import LiveFeedChunk
from live.services.timing import create_live_session

pytestmark = pytest.mark.django_db


def test_resuming_a_finished_replay_applies_nothing_twice(shared_timing_dir):
    capture = Path(shared_timing_dir) / "rmonitor-Orbits_Mock_Session.txt"
    session = create_live_session(name="mock", source="replay")
    args = [str(capture), "--format", "rmonitor", "--speed", "0", "--session", str(session.pk)]
    call_command("live_replay", *args, "--resume", stdout=StringIO())
    session.refresh_from_db()
    seq, snapshot = session.seq, session.snapshot

    out = StringIO()
    call_command("live_replay", *args, "--resume", stdout=out)

    session.refresh_from_db()
    assert "Resumed" in out.getvalue() or "已恢复" in out.getvalue()
    assert session.seq == seq
    assert session.snapshot == snapshot
    stored = b"".join(bytes(c.data) for c in LiveFeedChunk.objects.filter(session=session))
    assert stored == capture.read_bytes()


def test_resuming_with_another_capture_is_refused(shared_timing_dir):
    timing = Path(shared_timing_dir)
    session = create_live_session(name="mock", source="replay")
    common = ["--format", "rmonitor", "--speed", "0", "--session", str(session.pk), "--resume"]
    call_command(
        "live_replay", str(timing / "rmonitor-Orbits_Mock_Session.txt"), *common, stdout=StringIO()
    )
    with pytest.raises(CommandError):
        call_command(
            "live_replay",
            str(timing / "rmonitor-2009_Sebring_ALMS_Session_4.txt"),
            *common,
            stdout=StringIO(),
        )
