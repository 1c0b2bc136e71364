"""Bad records in a capture are counted on the session and logged; good ones still apply."""

from __future__ import annotations

import logging

import pytest

from live.feeds.adapters.p3 import PASSING, encode_frame, unescape
from live.feeds.replay import replay
from live.services.timing import create_live_session


@pytest.mark.django_db
def test_garbage_truncated_and_oversized_rmonitor_lines(caplog: pytest.LogCaptureFixture) -> None:
    session = create_live_session(name="Replay")
    feed = (
        b'$A,"7","7",1,"Li","Na","",1\r\n'
        b"\xff\xfe garbage\r\n"
        b'$G,1,"7"\r\n' + b"$A," + b"x" * 10_000 + b"\r\n" + b'$G,1,"7",3,"00:03:00.000"\r\n'
    )
    with caplog.at_level(logging.WARNING, logger="live"):
        stats = replay(session_id=session.pk, data=feed, format="rmonitor", speed=0)
    session.refresh_from_db()
    assert stats.rejected == session.rejected_records == 3
    assert session.snapshot["rows"][0]["laps"] == 3
    assert "bad rmonitor record" in caplog.text


@pytest.mark.django_db
def test_a_p3_frame_with_a_bad_crc_is_not_applied() -> None:
    session = create_live_session(name="Replay", min_lap_ms=1_000)

    def frame(n: int, at_s: int, *, corrupt: bool = False) -> str:
        fields = [
            (0x01, n.to_bytes(4, "little")),
            (0x03, (9).to_bytes(4, "little")),
            (0x04, (at_s * 1_000_000).to_bytes(8, "little")),
        ]
        raw = bytearray(unescape(encode_frame(PASSING, fields)))
        if corrupt:
            raw[-3] ^= 0x01
        return raw.hex()

    capture = "\n".join([frame(1, 0), frame(2, 30, corrupt=True), frame(3, 61)]).encode()
    stats = replay(session_id=session.pk, data=capture, format="p3", speed=0)
    session.refresh_from_db()
    (row,) = session.snapshot["rows"]
    assert (row["laps"], row["last_lap_ms"]) == (1, 61_000)
    assert stats.rejected == session.rejected_records == 1
