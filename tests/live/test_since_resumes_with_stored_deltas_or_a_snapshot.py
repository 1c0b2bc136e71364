"""`?since=<seq>` replays the stored deltas when all are kept, otherwise sends a snapshot."""

from __future__ import annotations

import json

from asgiref.sync import sync_to_async

from tests.live.conftest import spectator


async def test_a_resuming_spectator_gets_only_the_deltas_it_missed(
    make_live_session, channel_layer
) -> None:
    session = await sync_to_async(make_live_session)(seq=6)

    async with spectator(session.pk, "since=3") as socket:
        frames = [json.loads(await socket.receive_from()) for _ in range(3)]
        assert await socket.receive_nothing()

    assert [(f["type"], f["seq"]) for f in frames] == [("delta", 4), ("delta", 5), ("delta", 6)]


async def test_a_missing_stored_delta_means_a_snapshot_instead(
    make_live_session, channel_layer
) -> None:
    session = await sync_to_async(make_live_session)(seq=6, missing=(5,))

    async with spectator(session.pk, "since=3") as socket:
        frame = json.loads(await socket.receive_from())
        assert await socket.receive_nothing()

    assert (frame["type"], frame["seq"]) == ("snapshot", 6)


async def test_an_up_to_date_spectator_gets_nothing_to_catch_up(
    make_live_session, channel_layer
) -> None:
    session = await sync_to_async(make_live_session)(seq=6)

    async with spectator(session.pk, "since=6") as socket:
        assert await socket.receive_nothing()


async def test_a_since_from_the_future_or_garbage_gets_a_snapshot(
    make_live_session, channel_layer
) -> None:
    session = await sync_to_async(make_live_session)(seq=2)

    for query in ("since=99", "since=-1", "since=abc", "since="):
        async with spectator(session.pk, query) as socket:
            frame = json.loads(await socket.receive_from())
        assert (frame["type"], frame["seq"]) == ("snapshot", 2), query
