"""The fan-out benchmark's spectator (bench/live_fanout.py) checks its own socket's frames: each
`seq` must follow the one before, and it counts the frames of the measuring window it received,
so a server that skips a frame for one socket among thousands cannot pass as "every frame
delivered"."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def live_fanout() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_live_fanout", ROOT / "bench" / "live_fanout.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def frame(seq: int, t: float) -> bytes:
    """A text frame as a server sends it: unmasked, `seq` and `t` first."""
    payload = json.dumps({"type": "delta", "seq": seq, "t": t, "rows": []}).encode()
    assert len(payload) < 126
    return bytes([0x81, len(payload)]) + payload


def spectator(live_fanout: ModuleType, tally: object) -> object:
    socket = live_fanout.Spectator("h:1", "/ws/", "http://h:1", tally, asyncio.Event())
    socket.data_received(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
    return socket


def test_a_socket_that_skips_a_seq_is_counted_as_a_gap_and_short_of_frames(
    live_fanout: ModuleType,
) -> None:
    tally = live_fanout.Tally()
    tally.t0, tally.t1 = 100.0, 200.0
    complete, skipping = spectator(live_fanout, tally), spectator(live_fanout, tally)
    for seq in range(1, 6):
        complete.data_received(frame(seq, 100.0 + seq))
        if seq != 3:
            skipping.data_received(frame(seq, 100.0 + seq))
    # Frames split across reads are put back together before they are checked.
    whole = frame(6, 106.0)
    for socket in (complete, skipping):
        socket.data_received(whole[:7])
        socket.data_received(whole[7:])

    assert (complete.in_window, skipping.in_window) == (6, 5)
    assert tally.gaps == 1
    assert sorted(tally.seqs) == [1, 2, 3, 4, 5, 6]  # the union of both looks complete


def test_frames_outside_the_window_are_checked_for_gaps_but_not_counted(
    live_fanout: ModuleType,
) -> None:
    tally = live_fanout.Tally()
    tally.t0, tally.t1 = 100.0, 200.0
    socket = spectator(live_fanout, tally)
    socket.data_received(frame(1, 50.0) + frame(2, 150.0) + frame(4, 250.0))
    assert socket.in_window == 1
    assert tally.gaps == 1
