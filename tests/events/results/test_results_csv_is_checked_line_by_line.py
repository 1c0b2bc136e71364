"""Reading results from CSV: documented columns, and an error for every bad line."""

from __future__ import annotations

import pytest

from events.services.results import check_laps, check_lines
from events.services.results_csv import read_laps_csv, read_results_csv
from tests.events.results.conftest import RACE_CSV, csv_bytes

pytestmark = pytest.mark.usefixtures("english")


def errors_of(data: bytes) -> list[str]:
    return [str(error) for error in read_results_csv(data, check_lines)[1]]


def test_a_good_file_gives_one_result_line_per_car() -> None:
    lines, errors = read_results_csv(RACE_CSV, check_lines)
    assert errors == []
    first = lines[0]
    assert (first.car_number, first.position, first.driver_name, first.class_name) == (
        "7",
        1,
        "Zhang Min",
        "Rookie",
    )
    assert (first.laps, first.total_ms, first.best_lap_ms, first.best_lap_no) == (
        12,
        1_081_250,
        89_100,
        5,
    )
    assert (lines[3].status, lines[3].position, lines[3].total_ms) == ("dnf", None, None)


def test_chinese_headers_and_a_gb18030_file_from_excel_are_read() -> None:
    data = "名次,车号,状态,车手,圈数,总时间\n1,8,完赛,张敏,10,15:00.5\n,9,退赛,李伟,2,\n".encode(
        "gb18030"
    )
    lines, errors = read_results_csv(data, check_lines)
    assert errors == []
    assert [(x.car_number, x.status, x.driver_name) for x in lines] == [
        ("8", "classified", "张敏"),
        ("9", "dnf", "李伟"),
    ]
    assert lines[0].total_ms == 900_500


def test_each_bad_line_is_named_with_its_problem() -> None:
    data = csv_bytes(
        "1,7,classified,Zhang Min,,Rookie,12,18:01.250,1:29.100,5",
        "1,23,classified,Li Wei,,Rookie,12,18:03.500,1:29.050,7",
        "3,5,classified,Wang Fang,,Pro,12,18:1x.000,1:29.900,3",
        "4,8,finished-ish,Wu,,Pro,12,18:20.000,,",
        "5,9,classified,Xu,,Pro,twelve,18:30.000,,",
        "6,10,classified",
    )
    assert errors_of(data) == [
        "Line 4: Total time “18:1x.000” is not a time; write it as h:mm:ss.sss, m:ss.sss or s.sss.",
        "Line 5: Unknown status “finished-ish”; use classified, DNF, DNS, DSQ or NC.",
        "Line 6: Laps “twelve” is not a whole number.",
        "Line 7: Expected 10 fields, found 3.",
    ]


def test_cross_line_problems_are_reported_once_the_lines_read_cleanly() -> None:
    data = csv_bytes(
        "1,7,classified,Zhang Min,,Rookie,12,18:01.250,1:29.100,5",
        "1,23,classified,Li Wei,,Rookie,12,18:03.500,1:29.050,7",
        "2,7,classified,Wang Fang,,Pro,12,18:10.000,1:29.900,3",
    )
    assert errors_of(data) == [
        "Line 2: Car 7 appears more than once.",
        "Line 2: Position 1 is given twice.",
        "Line 3: Position 1 is given twice.",
        "Line 4: Car 7 appears more than once.",
    ]


def test_unknown_and_missing_columns_are_refused_on_the_header_line() -> None:
    assert errors_of(csv_bytes("1,Zhang", header="position,drivr")) == [
        "Line 1: Unknown column “drivr”.",
        "Line 1: Missing column(s): car.",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Line 1: The file is empty."),
        (b"position,car\n\n", "Line 1: There are no result lines."),
        (b"x" * 1_000_001, "Line 1: The file is larger than 1 MB."),
    ],
)
def test_empty_or_oversized_files_are_refused(data: bytes, message: str) -> None:
    assert errors_of(data) == [message]


def test_lap_files_are_read_and_checked_the_same_way() -> None:
    data = b"car,lap,position,lap_time\n7,1,1,1:31.200\n7,2,1,1:30.100\n23,1,2,1:31.900\n"
    laps, errors = read_laps_csv(data, check_laps)
    assert errors == []
    assert [(lap.car_number, lap.lap, lap.position, lap.lap_time_ms) for lap in laps] == [
        ("7", 1, 1, 91_200),
        ("7", 2, 1, 90_100),
        ("23", 1, 2, 91_900),
    ]
    bad = b"car,lap,lap_time\n7,1,1:31.2\n7,1,1:30.1\n8,,1:30\n"
    assert [str(e) for e in read_laps_csv(bad, check_laps)[1]] == [
        "Line 4: The lap number is missing.",
    ]
    duplicate = b"car,lap\n7,1\n7,1\n"
    assert [str(e) for e in read_laps_csv(duplicate, check_laps)[1]] == [
        "Line 2: Lap 1 of car 7 is given twice.",
        "Line 3: Lap 1 of car 7 is given twice.",
    ]
