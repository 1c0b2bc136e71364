"""The raw feed of a session set to GB18030 replays with that encoding, and the commands set it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from live.feeds.replay import replay
from live.models import LiveSession
from live.services.timing import create_live_session

# A GBK name that auto-detection reads as cp1252 (an ideograph right after lowercase Latin):
# only the session's explicit setting reads it right.
GBK = '$COMP,"2","15",1,"vivo车队","","CHN",""\r\n$G,1,"2",1,"00:01:00.000"\r\n'.encode("gbk")


def names(session: LiveSession) -> list[str]:
    session.refresh_from_db()
    return [row["name"] for row in session.snapshot["rows"]]


@pytest.mark.django_db
def test_replay_decodes_with_the_sessions_setting_unless_told_otherwise() -> None:
    gbk = create_live_session(name="gbk", feed_encoding="gb18030")
    replay(session_id=gbk.pk, data=GBK, format="rmonitor", speed=0)
    assert names(gbk) == ["vivo车队"]
    auto = create_live_session(name="auto")
    replay(session_id=auto.pk, data=GBK, format="rmonitor", speed=0)
    assert names(auto) != ["vivo车队"]
    forced = create_live_session(name="forced")
    replay(session_id=forced.pk, data=GBK, format="rmonitor", speed=0, encoding="gb18030")
    assert names(forced) == ["vivo车队"]


@pytest.mark.django_db
def test_an_exported_feed_replays_into_the_session_with_its_encoding(tmp_path: Path) -> None:
    original = create_live_session(name="Original", feed_encoding="gb18030")
    replay(session_id=original.pk, data=GBK, format="rmonitor", speed=0)
    exported = tmp_path / "feed.bin"
    call_command("live_export_feed", str(original.pk), str(exported))
    assert exported.read_bytes() == GBK

    # Into an existing session set to GB18030: its setting is used.
    target = create_live_session(name="Target", feed_encoding="gb18030")
    call_command(
        "live_replay",
        str(exported),
        "--format",
        "rmonitor",
        "--speed",
        "0",
        "--session",
        str(target.pk),
    )
    assert names(target) == ["vivo车队"]

    # Into a new session: --encoding is stored on it and used.
    call_command(
        "live_replay",
        str(exported),
        "--format",
        "rmonitor",
        "--speed",
        "0",
        "--encoding",
        "gb18030",
    )
    copy = LiveSession.objects.exclude(pk__in=[original.pk, target.pk]).get()
    assert copy.feed_encoding == "gb18030" and names(copy) == ["vivo车队"]


@pytest.mark.django_db
def test_live_replay_encoding_updates_an_existing_session(tmp_path: Path) -> None:
    capture = tmp_path / "feed.txt"
    capture.write_bytes(GBK)
    session = create_live_session(name="Live")
    call_command(
        "live_replay",
        str(capture),
        "--format",
        "rmonitor",
        "--speed",
        "0",
        "--session",
        str(session.pk),
        "--encoding",
        "gb18030",
    )
    session.refresh_from_db()
    assert session.feed_encoding == "gb18030" and names(session) == ["vivo车队"]


@pytest.mark.django_db
def test_an_unknown_encoding_is_refused_by_the_commands(tmp_path: Path) -> None:
    session = create_live_session(name="Live")
    capture = tmp_path / "feed.txt"
    capture.write_bytes(GBK)
    with pytest.raises(CommandError):
        call_command("live_replay", str(capture), "--format", "rmonitor", "--encoding", "big5")
    with pytest.raises(CommandError):
        call_command(
            "live_ingest", str(session.pk), "--rmonitor", "127.0.0.1:50000", "--encoding", "big5"
        )
    with pytest.raises(ValueError):
        create_live_session(name="x", feed_encoding="big5")
