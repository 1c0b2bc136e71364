"""A `$G` row is the timing system's race order: a car it places is on the board in that place even
before the feed has named it or timed a lap."""

from __future__ import annotations

from tests.live.boards import capture, rmonitor_board


def test_a_race_row_without_a_time_puts_the_car_on_the_board() -> None:
    board, _, _ = rmonitor_board(
        capture(
            '$A,"1","1",101,"Ana","Lima","",1',
            '$G,1,"1",3,"00:05:00.000"',
            '$G,2,"14",,""',
            '$G,3,"3",2,"00:04:10.000"',
        )
    )
    assert [(row["position"], row["number"]) for row in board["rows"]] == [
        (1, "1"),
        (2, "14"),
        (3, "3"),
    ]
    assert board["rows"][1]["total_ms"] is None


def test_practice_placeholders_of_absent_cars_stay_hidden() -> None:
    board, _, _ = rmonitor_board(
        capture('$A,"1","1",101,"Ana","Lima","",1', '$H,2,"14",0,"00:00:00.000"'),
        mode="practice",
    )
    assert [row["number"] for row in board["rows"]] == ["1"]
