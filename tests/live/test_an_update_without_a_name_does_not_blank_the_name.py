"""Some timing software re-sends a competitor with empty name fields (a transponder or class
change); the board keeps the name it had."""

from __future__ import annotations

from tests.live.boards import by_number, capture, rmonitor_board


def test_empty_first_and_last_names_keep_the_name() -> None:
    board, _, _ = rmonitor_board(
        capture(
            '$A,"9","9",909,"Ana","Lima","BRA",1',
            '$A,"9","9",919,"","","BRA",1',
            '$COMP,"9","9",1,"","","","Lima Racing"',
        )
    )
    assert by_number(board)["9"]["name"] == "Ana Lima"


def test_a_name_in_one_field_is_still_a_whole_name() -> None:
    board, _, _ = rmonitor_board(
        capture('$A,"9","9",909,"Ana","Lima","",1', '$A,"9","9",909,"","Bea Cruz","",1')
    )
    assert by_number(board)["9"]["name"] == "Bea Cruz"
