"""`$H` is the authority on best laps: when officials delete a car's best lap the feed sends lap 0
and no time, and the board must not fall back on a best lap of its own from `$J`."""

from __future__ import annotations

from tests.live.boards import by_number, capture, rmonitor_board

QUALIFYING = capture(
    '$A,"1","1",101,"Ana","Lima","",1',
    '$A,"2","2",102,"Ben","Ode","",1',
    '$J,"1","00:01:40.000","00:05:00.000"',
    '$H,1,"1",3,"00:01:40.000"',
    '$J,"2","00:01:41.000","00:05:10.000"',
    '$H,2,"2",3,"00:01:41.000"',
    # Officials delete car 1's lap (track limits): it has no valid lap any more.
    '$H,1,"2",3,"00:01:41.000"',
    '$H,2,"1",0,"00:00:00.000"',
)


def test_a_withdrawn_best_lap_leaves_the_car_without_one() -> None:
    board, _, _ = rmonitor_board(QUALIFYING, mode="qualifying")
    assert [row["number"] for row in board["rows"]] == ["2", "1"]
    rows = by_number(board)
    assert (rows["1"]["best_lap_ms"], rows["1"]["best_lap_no"]) == (None, None)
    assert rows["1"]["gap_ms"] is None and rows["1"]["interval_ms"] is None
    assert all(row["interval_ms"] is None or row["interval_ms"] >= 0 for row in board["rows"])


def test_a_later_valid_lap_is_the_best_once_the_feed_says_so() -> None:
    board, _, _ = rmonitor_board(
        QUALIFYING + capture('$J,"1","00:01:42.000","00:06:42.000"', '$H,2,"1",4,"00:01:42.000"'),
        mode="qualifying",
    )
    assert by_number(board)["1"]["best_lap_ms"] == 102_000


def test_before_the_feed_gives_a_best_lap_the_board_counts_its_own() -> None:
    board, _, _ = rmonitor_board(
        capture(
            '$A,"1","1",101,"Ana","Lima","",1',
            '$H,1,"1",0,"00:00:00.000"',
            '$J,"1","00:01:40.000","00:05:00.000"',
        ),
        mode="practice",
    )
    assert by_number(board)["1"]["best_lap_ms"] == 100_000
