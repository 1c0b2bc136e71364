"""Some serial-to-TCP bridges end records with CR alone, files with LF, timing PCs with CR LF; a
BOM may open the stream. Every one of them gives the same board."""

from __future__ import annotations

import pytest

from tests.live.boards import rmonitor_board

RECORDS = [
    '$C,1,"GT"',
    '$A,"7","7",707,"Ana","Lima","",1',
    '$A,"8","8",808,"Ben","Ode","",1',
    '$J,"8","00:01:40.000","00:01:40.000"',
    '$G,1,"8",1,"00:01:40.000"',
    '$G,2,"7",,"00:00:00.000"',
    '$F,9,"00:00:00","12:00:00","00:01:41","Green "',
]


def crlf_board() -> dict[str, object]:
    board, _, _ = rmonitor_board("".join(f"{r}\r\n" for r in RECORDS).encode())
    return board


@pytest.mark.parametrize("end", ["\r", "\n", "\n\r"])
def test_any_line_end_gives_the_crlf_board(end: str) -> None:
    board, parser, _ = rmonitor_board("".join(f"{r}{end}" for r in RECORDS).encode())
    assert board == crlf_board()
    assert parser.records == len(RECORDS) and parser.rejected == 0


def test_a_bom_does_not_cost_the_first_record() -> None:
    board, parser, _ = rmonitor_board(b"\xef\xbb\xbf" + "".join(f"{r}\r" for r in RECORDS).encode())
    assert board == crlf_board()
    assert parser.records == len(RECORDS) and parser.rejected == 0


def test_a_cr_split_from_its_lf_by_a_read_is_one_line_end() -> None:
    data = "".join(f"{r}\r\n" for r in RECORDS).encode()
    cut = data.index(b"\r") + 1
    board, parser, _ = rmonitor_board([data[:cut], data[cut:]])
    assert board == crlf_board() and parser.rejected == 0
