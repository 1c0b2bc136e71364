"""A P3 decoder resends a passing the feed never delivered (the connection dropped while it was
sent); it arrives after later ones, counts once in its place, and a true second copy does not."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from live.engine.standings import State, apply, snapshot
from live.feeds.adapters.p3 import PASSING, P3Parser, encode_frame

SECOND = 1_000_000
T0 = 1_764_849_600_000_000
DECODER = 0x41813


def passing(number: int, transponder: int, at_s: float) -> bytes:
    return encode_frame(
        PASSING,
        [
            (0x01, number.to_bytes(4, "little")),
            (0x03, transponder.to_bytes(4, "little")),
            (0x04, int(T0 + at_s * SECOND).to_bytes(8, "little")),
            (0x81, DECODER.to_bytes(4, "little")),
        ],
    )


def board(*frames: bytes) -> tuple[dict[str, object], State]:
    parser, state = P3Parser(), State(mode="race", min_lap_ms=20_000)
    for frame in frames:
        for event in parser.feed(frame):
            apply(state, event)
    return snapshot(state, seq=1, session={"id": 1, "name": "P3", "mode": "race"}), state


def test_a_late_passing_fills_its_gap_and_counts_once() -> None:
    in_order = [passing(1, 77, 0), passing(2, 77, 60), passing(3, 77, 121), passing(4, 77, 180)]
    expected, _ = board(*in_order)
    # Passing 3 is lost, then resent after 4; then 4 and 3 are both sent again.
    late, state = board(in_order[0], in_order[1], in_order[3], in_order[2], *in_order[2:])
    assert late["rows"] == expected["rows"]
    row = late["rows"][0]
    assert (row["laps"], row["best_lap_ms"], row["last_lap_ms"]) == (3, 59_000, 59_000)
    assert state.duplicates == 2 and state.missed_passings == 0


@settings(max_examples=200, deadline=None)
@given(
    gaps=st.lists(st.integers(20, 400), min_size=1, max_size=25),
    order=st.randoms(use_true_random=False),
)
def test_passings_in_any_order_give_the_laps_of_the_passings_in_order(
    gaps: list[int], order: random.Random
) -> None:
    times = list(itertools.accumulate(gaps, initial=0))
    frames = [passing(number, 77, at) for number, at in enumerate(times, start=1)]
    shuffled = frames[:]
    order.shuffle(shuffled)
    in_order, _ = board(*frames)
    any_order, state = board(*shuffled)
    assert any_order["rows"] == in_order["rows"]
    assert any_order["rows"][0]["laps"] == len(gaps) and state.duplicates == 0
