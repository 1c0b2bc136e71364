"""Garbage, truncated and oversized RMonitor lines are counted and dropped, never raised."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from live.engine.timing import ClassInfo
from live.feeds.adapters.rmonitor import MAX_LINE_BYTES, RMonitorParser

GOOD = b'$C,1,"GT"\r\n'


def test_garbage_lines_are_counted_and_the_next_record_still_parses() -> None:
    parser = RMonitorParser()
    events = parser.feed(b'hello world\r\n\x00\xff\xfe\r\n$G,x,"1",3,"00:01:00.000"\r\n' + GOOD)
    assert events == [ClassInfo(1, "GT")]
    assert parser.garbage == 3 and parser.records == 1


def test_truncated_records_are_counted_as_truncated() -> None:
    parser = RMonitorParser()
    events = parser.feed(b'$G,3,"12"\r\n$A,"1","1"\r\n$J\r\n' + GOOD)
    assert events == [ClassInfo(1, "GT")]
    assert parser.truncated == 3


def test_an_oversized_line_is_dropped_whole_even_when_it_arrives_in_pieces() -> None:
    parser = RMonitorParser()
    huge = b'$A,"1","1",1,"' + b"x" * (MAX_LINE_BYTES * 3) + b'","",""\r\n'
    events = []
    for start in range(0, len(huge), 1000):
        events += parser.feed(huge[start : start + 1000])
    events += parser.feed(GOOD)
    assert events == [ClassInfo(1, "GT")]
    assert parser.oversized == 1 and parser.rejected == 1


def test_bad_input_is_logged_in_the_error_list() -> None:
    parser = RMonitorParser()
    parser.feed(b"nonsense\r\n")
    assert parser.errors and "not a record" in parser.errors[0]


@given(st.lists(st.binary(max_size=300), max_size=20))
def test_any_bytes_never_raise(chunks: list[bytes]) -> None:
    parser = RMonitorParser()
    for chunk in chunks:
        parser.feed(chunk)
    # Whatever came before, the parser recovers at the next line end.
    assert parser.feed(b"\r\n" + GOOD)[-1:] == [ClassInfo(1, "GT")]
