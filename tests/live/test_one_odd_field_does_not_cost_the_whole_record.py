"""Real timing PCs send fields this parser once refused whole records for: each field is read on
its own, what is valid is kept, what is not is null, and the odd fields are counted."""

from __future__ import annotations

from live.engine.timing import Competitor, Heartbeat, LapPassing, RaceRow
from live.feeds.adapters.rmonitor import RMonitorParser
from tests.live.boards import by_number, capture, rmonitor_board


def parse(*lines: str) -> tuple[list[object], RMonitorParser]:
    parser = RMonitorParser()
    events = parser.feed(capture(*lines))
    assert parser.rejected == 0, parser.errors
    return events, parser


def test_alphanumeric_transponders_keep_the_name_and_class() -> None:
    events, parser = parse(
        '$A,"4","4",NE4,"Ana","Lima","BRA",2',
        '$A,"5","5","NF-10567","Ben","Ode","NGR",2',
    )
    assert events == [
        Competitor("4", "4", "Ana", "Lima", 2, "NE4", "BRA"),
        Competitor("5", "5", "Ben", "Ode", 2, "NF-10567", "NGR"),
    ]
    assert parser.odd_fields == 0


def test_a_negative_countdown_is_no_time_and_the_heartbeat_still_counts() -> None:
    events, parser = parse(
        '$F,9999,"00:00:-47","13:59:13","00:00:00","      "',
        '$F,5,"00:12:00","13:59:14","00:00:00.-51","Green "',
    )
    assert events == [
        Heartbeat(None, None, 50_353_000, None, "none"),
        Heartbeat(5, 720_000, 50_354_000, None, "green"),
    ]
    assert parser.odd_fields == 2


def test_a_negative_lap_time_keeps_the_total() -> None:
    events, parser = parse('$J,"7","00:00:00.-51","00:10:02.500"')
    assert events == [LapPassing("7", None, 602_500)]
    assert parser.odd_fields == 1


def test_empty_or_unreadable_laps_to_go_keep_the_clock_and_flag() -> None:
    events, parser = parse(
        '$F,,"00:10:00","14:00:00","00:05:00","Yellow"',
        '$F,ab,"00:09:59","14:00:01","00:05:01","Yellow"',
    )
    assert events == [
        Heartbeat(None, 600_000, 50_400_000, 300_000, "yellow"),
        Heartbeat(None, 599_000, 50_401_000, 301_000, "yellow"),
    ]
    assert parser.odd_fields == 1  # empty is allowed, "ab" is odd


def test_a_race_row_keeps_its_valid_fields() -> None:
    events, parser = parse('$G,2,"9",14,"01:1x:00.000"', '$G,3,"8",1.5,"00:20:00.000"')
    assert events == [RaceRow(2, "9", 14, None), RaceRow(3, "8", None, 1_200_000)]
    assert parser.odd_fields == 2


def test_the_board_keeps_the_last_lap_count_when_one_row_cannot_be_read() -> None:
    board, parser, _ = rmonitor_board(
        capture(
            '$A,"8","8",NE4,"Cai","Wu","CHN",1',
            '$G,1,"8",12,"00:20:00.000"',
            '$G,1,"8",x,"00:21:40.000"',
        )
    )
    row = by_number(board)["8"]
    assert (row["name"], row["laps"], row["total_ms"]) == ("Cai Wu", 12, 1_300_000)
    assert parser.odd_fields == 1 and parser.records == 3
