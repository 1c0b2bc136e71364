"""A feed's bytes to the board spectators would see, through the real parser and engine."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from live.engine.standings import State, apply, snapshot
from live.feeds.adapters.rmonitor import RMonitorParser

SESSION = {"id": 1, "name": "Test", "mode": "race"}


def rmonitor_board(
    data: bytes | Iterable[bytes], *, mode: str = "race", end: bool = True
) -> tuple[dict[str, Any], RMonitorParser, State]:
    """Feed `data` (one chunk, or chunks in order) and fold every event; `end` closes the stream."""
    parser = RMonitorParser()
    state = State(mode=mode)
    chunks = [data] if isinstance(data, bytes) else data
    for chunk in chunks:
        for event in parser.feed(chunk):
            apply(state, event)
    if end:
        for event in parser.finish():
            apply(state, event)
    return snapshot(state, seq=1, session={**SESSION, "mode": mode}), parser, state


def capture(*lines: str) -> bytes:
    """Records as a timing PC sends them: CR LF after each."""
    return "".join(f"{line}\r\n" for line in lines).encode()


def by_number(board: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["number"]: row for row in board["rows"]}
