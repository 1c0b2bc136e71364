"""A `$B` naming another run without an `$I` first is a new session: no car of the old one stays,
and a registration number reused in the new one is a new car (docs/timing.md, sessions)."""

from __future__ import annotations

from tests.live.boards import by_number, capture, rmonitor_board

HEAT_1 = capture(
    '$B,31,"Heat 1"',
    '$C,1,"Formula Vee"',
    '$A,"5","5",505,"Ana","Lima","",1',
    '$A,"6","6",506,"Ben","Ode","",1',
    '$J,"5","00:01:40.000","00:15:00.000"',
    '$G,1,"5",9,"00:15:00.000"',
    '$G,2,"6",9,"00:15:20.000"',
    '$F,0,"00:00:00","15:20:00","00:15:20","Finish"',
)


def test_a_new_run_leaves_nothing_of_the_old_one() -> None:
    board, _, state = rmonitor_board(
        HEAT_1
        + capture(
            '$B,32,"Heat 2"',
            '$C,1,"Formula Ford"',
            '$A,"5","5",905,"Cai","Wu","",1',
        )
    )
    assert [row["number"] for row in board["rows"]] == ["5"]
    row = by_number(board)["5"]
    assert (row["name"], row["class"], row["laps"], row["total_ms"], row["last_lap_ms"]) == (
        "Cai Wu",
        "Formula Ford",
        0,
        None,
        None,
    )
    assert board["flag"] == "none" and state.sessions == 1


def test_the_same_run_sent_again_keeps_the_board() -> None:
    board, _, _ = rmonitor_board(HEAT_1 + capture('$B,31,"Heat 1"'))
    assert [row["number"] for row in board["rows"]] == ["5", "6"]


def test_a_run_renumbered_under_the_same_name_is_the_same_session() -> None:
    # Orbits switches the number alone in the middle of one run.
    board, _, _ = rmonitor_board(HEAT_1 + capture('$B,95,"Heat 1"'))
    assert by_number(board)["5"]["laps"] == 9
