"""End to end through the socket: whatever a spectator starts from (a snapshot at the start, one
mid-race, stored deltas after `since`), applying the deltas it receives gives the fresh snapshot,
as served by the API and by a socket opened at the end."""

from __future__ import annotations

import json
from itertools import chain
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from live.engine.standings import apply_delta
from live.feeds.adapters.simulator import SimulatorConfig, seconds, timeline
from live.services.timing import apply_timing_events, create_live_session
from tests.live.conftest import spectator


async def follow(socket: Any, start: dict[str, Any], until_seq: int) -> dict[str, Any]:
    board = start
    while board["seq"] < until_seq:
        frame = json.loads(await socket.receive_from(timeout=5))
        if frame.pop("type") == "snapshot":
            board = frame
            continue
        assert frame["seq"] == board["seq"] + 1, "a delta was skipped"
        board = apply_delta(board, frame)
    return board


async def first_frame(socket: Any) -> dict[str, Any]:
    frame = json.loads(await socket.receive_from(timeout=5))
    frame.pop("type")
    return frame


@pytest.mark.parametrize("seed", [1, 7, 42])
async def test_spectators_joining_at_any_point_converge_on_the_fresh_snapshot(
    transactional_db, channel_layer, seed: int
) -> None:
    session = await database_sync_to_async(create_live_session)(name="Sim", mode="race")
    per_second = seconds(timeline(SimulatorConfig(seed=seed, laps=2)))
    # Four seconds of the race per change keeps the test quick; deltas stay multi-row.
    batches = [list(chain(*per_second[i : i + 4])) for i in range(0, len(per_second), 4)]
    third = len(batches) // 3
    apply = database_sync_to_async(apply_timing_events)

    async with spectator(session.pk) as early:
        early_start = await first_frame(early)
        for batch in batches[:third]:
            await apply(session_id=session.pk, events=batch)
        async with spectator(session.pk) as midway:
            midway_start = await first_frame(midway)
            for batch in batches[third:]:
                await apply(session_id=session.pk, events=batch)
            await database_sync_to_async(session.refresh_from_db)()
            final_seq = session.seq
            early_board = await follow(early, early_start, final_seq)
            midway_board = await follow(midway, midway_start, final_seq)

    async with spectator(session.pk, f"since={midway_start['seq']}") as resumed:
        resumed_board = await follow(resumed, midway_start, final_seq)
    async with spectator(session.pk) as late:
        fresh_socket = await first_frame(late)
    response = await database_sync_to_async(Client().get)(f"/api/live/sessions/{session.pk}/")

    assert early_start["seq"] == 0
    assert 0 < midway_start["seq"] < final_seq
    assert len(fresh_socket["rows"]) > 0
    assert response.status_code == 200
    assert response.json() == fresh_socket
    assert early_board == fresh_socket
    assert midway_board == fresh_socket
    assert resumed_board == fresh_socket
