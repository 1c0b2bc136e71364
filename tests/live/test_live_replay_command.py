"""`manage.py live_replay FILE --format ... [--session] [--mode] [--speed] [--json-out]`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from live.feeds.replay import replay
from live.models import LiveSession
from live.services.timing import create_live_session


@pytest.mark.django_db
def test_without_a_session_a_scratch_session_is_made_and_the_snapshot_written(
    shared_timing_dir: str, tmp_path: Path
) -> None:
    out = tmp_path / "final.json"
    call_command(
        "live_replay",
        os.path.join(shared_timing_dir, "rmonitor-Orbits_Mock_Session.txt"),
        "--format",
        "rmonitor",
        "--mode",
        "practice",
        "--speed",
        "0",
        "--json-out",
        str(out),
    )
    session = LiveSession.objects.get()
    assert session.mode == "practice" and session.source == LiveSession.Source.REPLAY
    assert session.status == LiveSession.Status.FINISHED
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written == session.snapshot
    assert written["session"]["mode"] == "practice" and len(written["rows"]) == 6
    assert written["seq"] == session.seq > 0


@pytest.mark.django_db
def test_an_existing_session_is_replayed_into(shared_timing_dir: str) -> None:
    session = create_live_session(name="Kart heat", mode="race", min_lap_ms=20_000)
    call_command(
        "live_replay",
        os.path.join(shared_timing_dir, "p3-amb-short.out"),
        "--format",
        "p3",
        "--session",
        str(session.pk),
        "--speed",
        "0",
    )
    session.refresh_from_db()
    assert len(session.snapshot["rows"]) == 3
    assert LiveSession.objects.count() == 1
    assert session.status == LiveSession.Status.LIVE


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--session", "999999"], "999999"),
        (["--speed", "-1"], "--speed"),
    ],
)
def test_bad_arguments_are_refused_clearly(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    capture = tmp_path / "feed.txt"
    capture.write_bytes(b'$C,1,"GT"\r\n')
    with pytest.raises(CommandError, match=message):
        call_command("live_replay", str(capture), "--format", "rmonitor", *arguments)


@pytest.mark.django_db
def test_a_missing_file_is_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"nope\.txt"):
        call_command("live_replay", str(tmp_path / "nope.txt"), "--format", "rmonitor")


@pytest.mark.django_db
def test_a_real_speed_waits_one_feed_second_per_heartbeat_divided_by_speed() -> None:
    session = create_live_session(name="Replay")
    feed = b'$C,1,"GT"\r\n' + b'$F,9,"00:10:00","10:00:00","00:00:01","Green "\r\n' * 3
    waits: list[float] = []
    stats = replay(session_id=session.pk, data=feed, format="rmonitor", speed=4, sleep=waits.append)
    assert waits == [0.25, 0.25, 0.25]
    assert stats.events == 4 and stats.changes >= 1


@pytest.mark.django_db
def test_a_p3_replay_at_real_speed_waits_the_time_between_passings(shared_timing_dir: str) -> None:
    session = create_live_session(name="Replay", min_lap_ms=20_000)
    with open(os.path.join(shared_timing_dir, "p3-amb-short.out"), "rb") as capture:
        data = capture.read()
    waits: list[float] = []
    replay(session_id=session.pk, data=data, format="p3", speed=100, sleep=waits.append)
    # 16:06:48.933 to 17:40:43: about 94 minutes of passings, at 100x.
    assert 55 < sum(waits) < 57
