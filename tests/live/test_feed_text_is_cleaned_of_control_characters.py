"""Text from a timing feed never carries NUL or other control characters past the parser: a NUL
in a name once made PostgreSQL refuse every snapshot, and timing PCs resend `$A` for ever."""

from __future__ import annotations

import json

import pytest

from live.engine.timing import ClassInfo, Competitor, LineCrossing, RunInfo, Setting
from live.feeds.adapters.rmonitor import RMonitorParser
from live.feeds.replay import replay
from live.services.timing import create_live_session
from tests.live.boards import by_number, rmonitor_board

DIRTY = (
    b'$A,"1\x00","1\x00",101,"An\x00a","Li\x1bma\x07","BR\x7fA",1\r\n'
    b'$C,1,"GT\x00\x08"\r\n'
    b'$B,4,"Race\x00 1"\r\n'
    b'$E,"TRACK\x00NAME","Zhuhai\x0c"\r\n'
    b'$L,"1\x00","P3","PIP\x00","12/04/2026","14:01:50.000"\r\n'
)


def test_every_text_field_comes_out_clean_and_the_fields_are_counted() -> None:
    parser = RMonitorParser()
    events = parser.feed(DIRTY)
    assert events == [
        Competitor("1", "1", "Ana", "Lima", 1, 101, "BRA"),
        ClassInfo(1, "GT"),
        RunInfo(4, "Race 1"),
        Setting("TRACKNAME", "Zhuhai"),
        LineCrossing("1", "P3", "PIP", "12/04/2026", "14:01:50.000"),
    ]
    assert parser.rejected == 0 and parser.odd_fields == 10


def test_c1_controls_in_utf8_text_are_removed_too() -> None:
    parser = RMonitorParser(encoding="utf-8")
    (event,) = parser.feed('$A,"2","2",102,"Li\u0085","Wei\u009b","",1\r\n'.encode())
    assert isinstance(event, Competitor)
    assert (event.first_name, event.last_name) == ("Li", "Wei")


def test_an_endless_name_is_cut() -> None:
    board, parser, _ = rmonitor_board(b'$A,"3","3",103,"' + b"A" * 3000 + b'","","",1\r\n')
    assert len(by_number(board)["3"]["name"]) == 200 and parser.odd_fields == 1


@pytest.mark.django_db
def test_a_nul_in_a_name_never_reaches_the_stored_board() -> None:
    session = create_live_session(name="NUL", mode="race")
    replay(session_id=session.pk, data=DIRTY + b'$G,1,"1",2,"00:03:00.000"\r\n', format="rmonitor")
    session.refresh_from_db()
    (row,) = session.snapshot["rows"]
    assert (row["number"], row["name"], row["class"]) == ("1", "Ana Lima", "GT")
    assert "\\u0000" not in json.dumps(session.snapshot)
    assert "\\u0000" not in json.dumps(session.engine_state)
