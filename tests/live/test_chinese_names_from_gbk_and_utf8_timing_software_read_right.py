"""RMonitor feeds from Chinese Windows timing PCs (GBK / GB18030) and from newer software (UTF-8)
show the drivers' real names on the board; a Western cp1252 feed still reads as before."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from live.engine.timing import Competitor
from live.feeds.adapters.rmonitor import ENCODINGS, RMonitorParser, decode_record
from live.feeds.replay import replay
from live.services.timing import create_live_session

FEED = (
    '$A,"1","8",1001,"张","伟","CHN",1\r\n'
    '$COMP,"2","15",1,"红牛车队","","CHN","上海"\r\n'
    '$A,"3","27",1003,"Hans","Müller","GER",1\r\n'
    '$C,1,"GT3 亚洲杯"\r\n'
    '$G,1,"1",3,"00:03:00.000"\r\n'
    '$G,2,"2",3,"00:03:01.000"\r\n'
    '$G,3,"3",3,"00:03:02.000"\r\n'
    '$F,9999,"00:00:00","10:00:00","00:03:02","Green "\r\n'
)
CHINESE = [
    ("8", "张 伟", "GT3 亚洲杯"),
    ("15", "红牛车队", "GT3 亚洲杯"),
    ("27", "Hans Müller", "GT3 亚洲杯"),
]


def board(data: bytes, **create: Any) -> list[tuple[str, str, str]]:
    session = create_live_session(name="Zhuhai club race", **create)
    replay(session_id=session.pk, data=data, format="rmonitor", speed=0)
    session.refresh_from_db()
    return [(row["number"], row["name"], row["class"]) for row in session.snapshot["rows"]]


def gbk_feed() -> bytes:
    # What Orbits on a Chinese Windows sends: every line in the ANSI code page, GBK. A Latin
    # name with ü cannot be written in GBK's ASCII half, so that car is named in its own line.
    return FEED.replace("Müller", "Mueller").encode("gbk")


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["auto", "gb18030"])
def test_a_gbk_feed_names_the_chinese_drivers(encoding: str) -> None:
    expected = [(n, name.replace("Müller", "Mueller"), c) for n, name, c in CHINESE]
    assert board(gbk_feed(), feed_encoding=encoding) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["auto", "utf-8"])
def test_a_utf8_feed_names_every_driver(encoding: str) -> None:
    assert board(FEED.encode("utf-8"), feed_encoding=encoding) == CHINESE


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["auto", "cp1252"])
def test_a_cp1252_feed_keeps_mueller_with_his_umlaut(encoding: str) -> None:
    feed = FEED.replace("张", "Li").replace("伟", "Wei").replace("红牛车队", "Red Team")
    feed = feed.replace("上海", "").replace("亚洲杯", "Asia")
    data = feed.encode("cp1252")
    assert b"M\xfcller" in data
    assert board(data, feed_encoding=encoding)[2] == ("27", "Hans Müller", "GT3 Asia")


@pytest.mark.django_db
def test_the_spec_default_cp1252_shows_gbk_as_mojibake_which_is_why_auto_is_the_default() -> None:
    names = [name for _, name, _ in board(gbk_feed(), feed_encoding="cp1252")]
    assert "张 伟" not in names and "ÕÅ Î°" in names


@pytest.mark.parametrize(
    "latin",
    [
        "Müller",
        "MÜLLER",
        "Jürgen",
        "Álvaro",
        "François",
        "Ørsted",
        "Renée",
        "Núñez",
        "Gaëtan",
        "Bjørn",
    ],
)
def test_auto_reads_western_names_in_cp1252_not_as_gbk(latin: str) -> None:
    raw = f'$A,"3","27",1003,"{latin}","Racing","",1'.encode("cp1252")
    assert decode_record(raw, "auto") == raw.decode("cp1252")


def test_a_mixed_gbk_team_name_is_still_read_as_chinese() -> None:
    raw = '$COMP,"2","15",1,"Team 红牛 Racing","","CHN",""'.encode("gbk")
    assert "Team 红牛 Racing" in decode_record(raw, "auto")


def test_bad_bytes_never_crash_and_are_counted_as_before() -> None:
    for encoding in ENCODINGS:
        parser = RMonitorParser(encoding=encoding)
        events = parser.feed(
            b"\xff\xfe\x80\x81\r\n"  # garbage, readable in no encoding
            b'$A,"1","8",1,"\xd5\xc5\x80","\xff","",1\r\n'  # a record with broken name bytes
            b"\xe5\xbc$G\r\n"  # a cut UTF-8 sequence before a tag
            + '$C,1,"GT3 亚洲杯"\r\n'.encode("gbk")
        )
        assert parser.garbage == 2, encoding
        assert isinstance(events[0], Competitor) and events[0].number == "8"
        assert len(events) == 2


def test_an_unknown_encoding_is_refused() -> None:
    with pytest.raises(ValueError):
        RMonitorParser(encoding="latin-9")


@settings(max_examples=300, deadline=None)
@given(
    # CR and LF both end a record: without either the bytes are one line.
    raw=st.binary(max_size=200).map(lambda b: b.replace(b"\n", b"").replace(b"\r", b"")),
    encoding=st.sampled_from(ENCODINGS),
)
def test_any_bytes_decode_without_raising(raw: bytes, encoding: str) -> None:
    parser = RMonitorParser(encoding=encoding)
    parser.feed(b"$A," + raw + b"\r\n" + raw + b"\r\n")
    parser.finish()
    assert parser.records + parser.unknown + parser.rejected <= 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "mode"),
    [
        ("rmonitor-Orbits_Mock_Session.txt", "practice"),
        ("rmonitor-2009_Sebring_ALMS_Session_4.txt", "practice"),
        ("rmonitor-2009_Sebring_ALMS_Session_5.txt", "race"),
    ],
)
def test_the_real_captures_end_on_the_same_board_in_auto_as_in_cp1252(
    shared_timing_dir: str, name: str, mode: str
) -> None:
    with open(os.path.join(shared_timing_dir, name), "rb") as capture:
        data = capture.read()
    boards = []
    for encoding in ("cp1252", "auto"):
        session = create_live_session(name="replay", mode=mode, feed_encoding=encoding)
        replay(session_id=session.pk, data=data, format="rmonitor", speed=0)
        session.refresh_from_db()
        board = {k: v for k, v in session.snapshot.items() if k != "session"}
        # Race control's announcements (a session best) are rows of their own: the same
        # messages in both replays, told apart only by their ids and the second they were made.
        board["messages"] = [
            {k: v for k, v in message.items() if k not in ("id", "at")}
            for message in board["messages"]
        ]
        boards.append(board)
    assert boards[0] == boards[1]
    assert len(boards[1]["rows"]) >= 5
