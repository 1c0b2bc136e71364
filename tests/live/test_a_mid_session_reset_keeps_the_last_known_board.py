"""Orbits sends `$I` in the middle of a session and then does not resend every car: the board
keeps what it knew and drops only what the feed contradicts afterwards (docs/timing.md, resets)."""

from __future__ import annotations

from tests.live.boards import by_number, capture, rmonitor_board

BEFORE = capture(
    '$B,7,"Club race"',
    '$C,1,"GT"',
    '$A,"11","11",1011,"Ana","Lima","BRA",1',
    '$A,"22","22",1022,"Ben","Ode","NGR",1',
    '$A,"33","33",1033,"Cai","Wu","CHN",1',
    '$J,"33","00:01:30.000","00:08:00.000"',
    '$J,"22","00:01:31.000","00:08:05.000"',
    '$J,"11","00:01:32.000","00:08:10.000"',
    '$G,1,"33",5,"00:08:00.000"',
    '$G,2,"22",5,"00:08:05.000"',
    '$G,3,"11",5,"00:08:10.000"',
)


def test_a_reset_without_a_resend_keeps_every_car_its_place_and_its_laps() -> None:
    board, _, state = rmonitor_board(
        BEFORE
        + capture(
            '$I,"14:02:11","04 Dec 26"',
            '$F,10,"00:00:00","14:02:12","00:08:12","Green "',
            # Only the car that crossed next is sent again.
            '$J,"33","00:01:29.000","00:09:29.000"',
            '$G,1,"33",6,"00:09:29.000"',
        )
    )
    assert [row["number"] for row in board["rows"]] == ["33", "22", "11"]
    rows = by_number(board)
    assert [rows[n]["laps"] for n in ("33", "22", "11")] == [6, 5, 5]
    assert rows["22"]["last_lap_ms"] == 91_000 and rows["22"]["name"] == "Ben Ode"
    assert rows["11"]["class"] == "GT"
    assert board["flag"] == "green" and state.resets == 1


def test_a_car_whose_place_the_feed_gives_to_another_leaves_until_it_is_sent_again() -> None:
    reset = BEFORE + capture('$I,"14:02:11","04 Dec 26"', '$G,3,"22",5,"00:08:05.000"')
    board, _, _ = rmonitor_board(reset)
    # 11 was third before the reset; the feed now puts 22 there and says nothing of 11.
    assert [row["number"] for row in board["rows"]] == ["33", "22"]
    board, _, _ = rmonitor_board(reset + capture('$G,2,"11",5,"00:08:10.000"'))
    assert [row["number"] for row in board["rows"]] == ["33", "11", "22"]
    assert by_number(board)["11"]["last_lap_ms"] == 92_000


def test_a_registration_number_sent_with_another_transponder_is_another_car() -> None:
    board, _, _ = rmonitor_board(
        BEFORE + capture('$I,"14:02:11","04 Dec 26"', '$A,"11","11",5055,"Dee","Fox","",1')
    )
    row = by_number(board)["11"]
    assert row["name"] == "Dee Fox"
    assert (row["laps"], row["last_lap_ms"], row["total_ms"]) == (0, None, None)
