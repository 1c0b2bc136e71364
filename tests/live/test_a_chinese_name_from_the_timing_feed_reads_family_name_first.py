"""Timing software holds a Chinese driver as first name 敏, last name 张; the board shows 张敏
(family name first, no space), as Chinese writes it, while a Western name stays "Ana Lima" and a
mixed one keeps the feed's order."""

from __future__ import annotations

import pytest

from tests.live.boards import by_number, capture, rmonitor_board


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [
        ("敏", "张", "张敏"),
        ("子轩", "欧阳", "欧阳子轩"),
        ("Ana", "Lima", "Ana Lima"),
        ("Min", "张", "Min 张"),
        ("", "张敏", "张敏"),
    ],
)
def test_the_board_orders_the_name_parts_by_their_script(first: str, last: str, shown: str) -> None:
    board, _, _ = rmonitor_board(capture(f'$A,"9","9",909,"{first}","{last}","CHN",1'))
    assert by_number(board)["9"]["name"] == shown
