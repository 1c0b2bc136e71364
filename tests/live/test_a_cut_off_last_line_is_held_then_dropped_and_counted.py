"""A connection dropped mid-record leaves a line without its line end, and its beginning still
parses, as the wrong record (`"00:02` of `"00:02:10.512"` is a best lap of 2 seconds). It waits
for its line end; when the stream ends instead, it is dropped and counted."""

from __future__ import annotations

from live.feeds.decoder import Decoder
from tests.live.boards import by_number, capture, rmonitor_board

START = capture('$A,"4","4",404,"Ana","Lima","",1', '$J,"4","00:02:11.000","00:02:11.000"')
CUT = b'$H,1,"4",3,"00:02'


def test_a_line_cut_at_the_end_of_the_stream_is_never_applied() -> None:
    board, parser, _ = rmonitor_board(START + CUT, mode="qualifying")
    assert by_number(board)["4"]["best_lap_ms"] == 131_000
    assert parser.truncated == 1


def test_the_rest_of_the_line_arriving_later_completes_it() -> None:
    board, parser, _ = rmonitor_board([START + CUT, b':10.512"\r\n'], mode="qualifying")
    assert by_number(board)["4"]["best_lap_ms"] == 130_512
    assert parser.truncated == 0


def test_the_decoder_reports_the_dropped_line_when_the_stream_ends() -> None:
    decoder = Decoder("rmonitor")
    events, rejected = decoder.feed(START + CUT)
    assert len(events) == 2 and rejected == 0
    assert decoder.finish() == ([], 1)
