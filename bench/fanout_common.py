"""Shared by the servers of bench/live_fanout.py: the same ~350-byte delta at a fixed rate."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

RATE = float(os.environ.get("FANOUT_RATE", "10"))


def delta(seq: int) -> dict[str, Any]:
    """A realistic delta: the clock ticks and two cars complete a lap. `t` is the publish time."""
    lap = 92_000 + (seq * 37) % 900
    return {
        "type": "delta",
        "seq": seq,
        "t": time.time(),
        "fields": {"elapsed_ms": seq * 100, "time_to_go_ms": 3_600_000 - seq * 100},
        "rows": [
            {
                "key": "12",
                "laps": seq // 20,
                "last_lap_ms": lap,
                "total_ms": seq * 4_610,
                "gap_ms": 1_234 + seq % 50,
                "interval_ms": 845,
                "pb": seq % 3 == 0,
                "sb": False,
            },
            {
                "key": "7X",
                "laps": seq // 20,
                "last_lap_ms": lap + 311,
                "total_ms": seq * 4_640,
                "gap_ms": 2_079 + seq % 70,
                "interval_ms": 845 + seq % 40,
                "pb": False,
                "sb": False,
            },
        ],
    }


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"))


class Pace:
    """RATE ticks per second. When the process is starved of CPU it falls behind and carries on
    from there instead of catching up in a burst; the benchmark prints the rate achieved."""

    def __init__(self) -> None:
        self.interval = 1.0 / RATE
        self.next_at = time.monotonic()

    def delay(self) -> float:
        """Seconds to wait before the next publish."""
        self.next_at += self.interval
        now = time.monotonic()
        self.next_at = max(self.next_at, now)
        return self.next_at - now


async def run_publisher(send: Callable[[int, dict[str, Any]], Awaitable[None]]) -> None:
    """Publish at RATE per second, on the running event loop."""
    pace = Pace()
    seq = 0
    while True:
        seq += 1
        await send(seq, delta(seq))
        await asyncio.sleep(pace.delay())
