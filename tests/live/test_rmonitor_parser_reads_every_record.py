"""The RMonitor parser turns every record of the protocol, with real feeds' quirks, into events."""

from __future__ import annotations

import pytest

from live.engine.timing import (
    ClassInfo,
    Competitor,
    Correction,
    Heartbeat,
    LapPassing,
    LineCrossing,
    PracticeRow,
    RaceRow,
    Reset,
    RunInfo,
    Setting,
)
from live.feeds.adapters.rmonitor import RMonitorParser, parse_time_ms


def parse(*lines: str, encoding: str = "cp1252") -> list[object]:
    parser = RMonitorParser()
    events = parser.feed("".join(f"{line}\r\n" for line in lines).encode(encoding))
    assert parser.rejected == 0, parser.errors
    return events


def test_each_record_type_becomes_its_event() -> None:
    events = parse(
        '$F,14,"00:12:45","13:34:23","00:09:47","Green "',
        '$A,"1234BE","12X",52474,"John","Johnson","USA",5',
        '$COMP,"1234BE","12X",5,"John","Johnson","USA","CAMEL"',
        '$B,5,"Friday free practice"',
        '$C,5,"Formula 300"',
        '$E,"TRACKNAME","Indianapolis Motor Speedway"',
        '$G,3,"1234BE",14,"01:12:47.872"',
        '$H,2,"1234BE",3,"00:02:17.872"',
        '$I,"16:36:08.000","12 jan 01"',
        '$J,"1234BE","00:02:03.826","01:42:17.672"',
        '$COR,"123BE","658",2,"00:00:35.272","+00:00:00.012"',
        '$L,"40","P2","POP","01/27/2009","08:00:05.894"',
    )
    assert events == [
        Heartbeat(14, 765_000, 48_863_000, 587_000, "green"),
        Competitor("1234BE", "12X", "John", "Johnson", 5, 52474, "USA"),
        Competitor("1234BE", "12X", "John", "Johnson", 5, None, "USA", "CAMEL"),
        RunInfo(5, "Friday free practice"),
        ClassInfo(5, "Formula 300"),
        Setting("TRACKNAME", "Indianapolis Motor Speedway"),
        RaceRow(3, "1234BE", 14, 4_367_872),
        PracticeRow(2, "1234BE", 3, 137_872),
        Reset("16:36:08.000", "12 jan 01"),
        LapPassing("1234BE", 123_826, 6_137_672),
        Correction("123BE", "658", 2, 35_272, "+00:00:00.012"),
        LineCrossing("40", "P2", "POP", "01/27/2009", "08:00:05.894"),
    ]


@pytest.mark.parametrize(
    ("raw", "flag"),
    [
        ('"Green "', "green"),
        ('"Yellow"', "yellow"),
        ('"Red   "', "red"),
        ('"Finish"', "finish"),
        ('"      "', "none"),
        ('""', "none"),
        ('"Purple"', "none"),
    ],
)
def test_flags_are_named_and_blank_means_none(raw: str, flag: str) -> None:
    (event,) = parse(f'$F,9999,"00:00:00","10:00:00","00:00:00",{raw}')
    assert isinstance(event, Heartbeat)
    assert event.flag == flag
    assert event.laps_to_go is None  # 9999: not a lap-limited session
    assert event.elapsed_ms is None and event.time_to_go_ms is None  # zero clock: no clock


def test_empty_laps_and_placeholder_times_mean_no_time_not_zero() -> None:
    events = parse(
        '$G,10,"89",,"00:00:00.000"',
        '$G,1,"00",,"00:59:59.999"',
        '$H,6,"21",0,"00:59:59.999"',
        '$H,1,"1",0,"00:00:00.000"',
        '$J,"1","00:00:00.000","00:00:02.051"',
    )
    assert events == [
        RaceRow(10, "89", 0, None),
        RaceRow(1, "00", 0, None),
        PracticeRow(6, "21", None, None),
        PracticeRow(1, "1", None, None),
        LapPassing("1", None, 2051),
    ]


def test_non_standard_reset_with_spaces_and_zero_date_is_a_reset() -> None:
    assert parse('$I, "00:00:00", "0/0/0000"') == [Reset("00:00:00", "0/0/0000")]


def test_text_is_decoded_as_cp1252() -> None:
    (event,) = parse('$A,"7","7",1,"Jürgen","Müller €","GER",1')
    assert isinstance(event, Competitor)
    assert (event.first_name, event.last_name) == ("Jürgen", "Müller €")


def test_unknown_tags_and_extra_trailing_fields_are_ignored() -> None:
    parser = RMonitorParser()
    events = parser.feed(b'$Z,1,2,3\r\n$B,5,"Race",extra,"more"\r\n$XYZ\r\n')
    assert events == [RunInfo(5, "Race")]
    assert parser.unknown == 2 and parser.rejected == 0


def test_records_split_across_reads_are_joined() -> None:
    parser = RMonitorParser()
    data = b'$C,1,"Formula Vee"\r\n$C,2,"GT"\r\n'
    events = [event for byte in data for event in parser.feed(bytes([byte]))]
    assert events == [ClassInfo(1, "Formula Vee"), ClassInfo(2, "GT")]


def test_a_final_line_without_line_end_is_held_then_dropped_at_end_of_stream() -> None:
    parser = RMonitorParser()
    assert parser.feed(b'$C,1,"GT"') == []
    assert parser.finish() == []
    assert parser.truncated == 1


def test_a_comma_inside_a_quoted_name_stays_in_the_name() -> None:
    (event,) = parse('$COMP,"5","5",1,"Smith, Jones Racing","","",""')
    assert isinstance(event, Competitor)
    assert event.first_name == "Smith, Jones Racing"


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("01:12:47.872", 4_367_872),
        ("02:17.5", 137_500),
        ("35.272", 35_272),
        ("10:03:08", 36_188_000),
        ("", None),
    ],
)
def test_times_in_any_precision_become_integer_milliseconds(text: str, ms: int | None) -> None:
    assert parse_time_ms(text) == ms
