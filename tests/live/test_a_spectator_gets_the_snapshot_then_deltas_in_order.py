"""Through the real routing: subscribe, snapshot first, then each delta in seq order."""

from __future__ import annotations

import json

from asgiref.sync import sync_to_async

from live.fanout.publish import publish
from tests.live.conftest import spectator

ROWS = [{"position": 1, "number": "7", "name": "Min Zhang", "laps": 3}]


async def test_the_first_frame_is_the_snapshot_and_deltas_follow(
    make_live_session, channel_layer
) -> None:
    session = await sync_to_async(make_live_session)(seq=4, rows=ROWS)

    async with spectator(session.pk) as socket:
        snapshot = json.loads(await socket.receive_from())
        for seq in (5, 6, 7):
            await sync_to_async(publish)(session.pk, {"type": "delta", "seq": seq, "flag": "red"})
        deltas = [json.loads(await socket.receive_from()) for _ in range(3)]

    assert snapshot["type"] == "snapshot"
    assert snapshot["seq"] == 4
    assert snapshot["rows"] == ROWS
    assert snapshot["session"] == {"id": session.pk, "name": "Sprint race", "mode": "race"}
    assert [delta["seq"] for delta in deltas] == [5, 6, 7]


async def test_a_session_without_events_yet_still_sends_a_complete_snapshot(
    make_live_session, channel_layer
) -> None:
    session = await sync_to_async(make_live_session)(seq=0)
    await sync_to_async(type(session).objects.filter(pk=session.pk).update)(snapshot={})

    async with spectator(session.pk) as socket:
        snapshot = json.loads(await socket.receive_from())

    assert snapshot["seq"] == 0
    assert snapshot["rows"] == []
    assert snapshot["flag"] == "none"
    assert {"laps_to_go", "time_to_go_ms", "elapsed_ms"} <= snapshot.keys()


async def test_deltas_already_in_the_snapshot_are_not_repeated(
    make_live_session, channel_layer
) -> None:
    session = await sync_to_async(make_live_session)(seq=4)

    async with spectator(session.pk) as socket:
        await socket.receive_from()
        await sync_to_async(publish)(session.pk, {"type": "delta", "seq": 4})
        await sync_to_async(publish)(session.pk, {"type": "delta", "seq": 5})
        first_after_snapshot = json.loads(await socket.receive_from())

    assert first_after_snapshot["seq"] == 5
