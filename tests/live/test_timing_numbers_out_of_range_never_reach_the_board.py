"""Numbers from a feed are range-checked field by field: an out-of-range value is nulled and
counted and the record goes on; a record whose place in the order is out of range is dropped.
A 4,000-digit laps-to-go never reaches spectators."""

from __future__ import annotations

from live.engine.timing import Heartbeat, TransponderPassing
from live.feeds.adapters.p3 import PASSING, P3Parser, encode_frame
from live.feeds.adapters.rmonitor import MAX_LINE_BYTES, RMonitorParser
from tests.live.boards import by_number, capture, rmonitor_board


def test_a_4000_digit_laps_to_go_is_no_lap_count_and_the_clock_still_runs() -> None:
    line = b"$F," + b"9" * 4000 + b',"00:10:00","14:00:00","00:05:00","Green "\r\n'
    assert len(line) < MAX_LINE_BYTES
    parser = RMonitorParser()
    assert parser.feed(line) == [Heartbeat(None, 600_000, 50_400_000, 300_000, "green")]
    assert parser.odd_fields == 1 and parser.rejected == 0


def test_laps_and_times_out_of_range_are_nulled_and_the_rest_of_the_feed_goes_on() -> None:
    board, parser, _ = rmonitor_board(
        capture(
            '$A,"5","5",99999999999999999,"Ana","Lima","",123456789012',
            '$G,1,"5",7,"00:10:00.000"',
            '$G,1,"5",250000,"999:00:00.000"',
            '$F,20000,"00:00:00","25:00:00","200:00:00","Green "',
        )
    )
    row = by_number(board)["5"]
    assert (row["name"], row["laps"], row["total_ms"], row["class"]) == ("Ana Lima", 7, None, "")
    assert (board["laps_to_go"], board["elapsed_ms"], board["flag"]) == (None, None, "green")
    assert parser.odd_fields == 7 and parser.records == 4


def test_a_position_out_of_range_drops_the_row() -> None:
    board, parser, _ = rmonitor_board(
        capture('$A,"5","5",505,"Ana","Lima","",1', '$G,1000000000,"5",3,"00:05:00.000"')
    )
    assert by_number(board)["5"]["laps"] == 0
    assert parser.garbage == 1


def test_a_best_lap_longer_than_a_day_is_no_best_lap() -> None:
    board, parser, _ = rmonitor_board(
        capture('$A,"5","5",505,"Ana","Lima","",1', '$H,1,"5",3,"30:00:00.000"'), mode="practice"
    )
    assert by_number(board)["5"]["best_lap_ms"] is None and parser.odd_fields == 1


def test_a_p3_number_wider_than_the_protocol_is_dropped_or_nulled() -> None:
    parser = P3Parser()
    wide_time = encode_frame(
        PASSING,
        [
            (0x01, (5).to_bytes(4, "little")),
            (0x03, (77).to_bytes(4, "little")),
            (0x04, (10**30).to_bytes(13, "little")),
        ],
    )
    wide_hits = encode_frame(
        PASSING,
        [
            (0x03, (77).to_bytes(4, "little")),
            (0x04, (10**15).to_bytes(8, "little")),
            (0x06, (1).to_bytes(9, "little")),
        ],
    )
    assert parser.feed(wide_time) == []
    assert parser.feed(wide_hits) == [TransponderPassing(None, 77, 10**15)]
    assert parser.garbage == 1 and parser.odd_fields == 1
