"""Property: however a capture's records are ended (CR, LF, CR LF), cut into reads, or repeated
line by line (a timing PC resending after a hiccup), the board is the same."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.live.boards import rmonitor_board

RECORDS = [
    '$B,12,"Sprint"',
    '$C,1,"Formula Vee"',
    '$C,2,"GT4"',
    '$A,"1","1",101,"Ana","Lima","BRA",1',
    '$A,"2","2",NE4,"Ben","Ode","",2',
    '$COMP,"3","3",1,"Team Wu","","","Club"',
    '$F,12,"00:20:00","14:00:00","00:00:00","      "',
    '$G,1,"1",,"00:00:00.000"',
    '$G,2,"2",,"00:00:00.000"',
    '$G,3,"3",,"00:00:00.000"',
    '$F,12,"00:19:59","14:00:01","00:00:01","Green "',
    '$J,"1","00:00:00.000","00:00:02.100"',
    '$J,"2","00:00:00.000","00:00:02.300"',
    '$J,"1","00:01:40.100","00:01:42.200"',
    '$G,1,"1",1,"00:01:42.200"',
    '$H,1,"1",1,"00:01:40.100"',
    '$J,"2","00:01:41.000","00:01:43.300"',
    '$G,2,"2",1,"00:01:43.300"',
    '$H,2,"2",1,"00:01:41.000"',
    '$L,"3","P3","PIP","12/04/2026","14:01:50.000"',
    '$I,"14:02:00","04 Dec 26"',
    '$F,11,"00:17:58","14:02:02","00:02:02","Yellow"',
    '$J,"1","00:01:39.000","00:03:21.200"',
    '$G,1,"1",2,"00:03:21.200"',
    '$H,1,"1",2,"00:01:39.000"',
    '$COR,"2","2",1,"00:01:43.250","-00:00:00.050"',
    '$F,11,"00:17:57","14:02:03","00:02:03","Yellow"',
]
ENDS = st.sampled_from(["\r\n", "\n", "\r"])


def reference() -> dict[str, object]:
    board, _, _ = rmonitor_board("".join(f"{r}\r\n" for r in RECORDS).encode())
    return board


@settings(max_examples=200, deadline=None)
@given(
    ends=st.lists(ENDS, min_size=len(RECORDS), max_size=len(RECORDS)),
    repeats=st.lists(st.integers(1, 3), min_size=len(RECORDS), max_size=len(RECORDS)),
    cuts=st.lists(st.integers(0, 4000), max_size=30),
    bom=st.booleans(),
)
def test_line_ends_reads_and_repeats_never_change_the_board(
    ends: list[str], repeats: list[int], cuts: list[int], bom: bool
) -> None:
    text = "".join(
        f"{record}{end}" * times for record, end, times in zip(RECORDS, ends, repeats, strict=True)
    )
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode()
    points = sorted({0, len(data), *(cut % (len(data) + 1) for cut in cuts)})
    chunks = [data[a:b] for a, b in itertools.pairwise(points)]
    board, parser, _ = rmonitor_board(chunks)
    assert board == reference()
    assert parser.rejected == 0
