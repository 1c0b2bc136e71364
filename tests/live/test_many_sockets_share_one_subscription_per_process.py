"""Through the real routing, all local spectators of a session ride on one group membership."""

from __future__ import annotations

import json
from contextlib import AsyncExitStack

from asgiref.sync import sync_to_async

from live.fanout.frames import group_name
from live.fanout.hub import get_hub
from live.fanout.publish import publish
from tests.live.conftest import spectator


async def test_forty_spectators_get_identical_frames_from_one_subscription(
    make_live_session, channel_layer
) -> None:
    session = await sync_to_async(make_live_session)(seq=1)

    async with AsyncExitStack() as stack:
        sockets = [await stack.enter_async_context(spectator(session.pk)) for _ in range(40)]
        snapshots = {await socket.receive_from() for socket in sockets}
        assert len(channel_layer.groups[group_name(session.pk)]) == 1
        assert get_hub().subscription_count() == 1

        for seq in (2, 3):
            await sync_to_async(publish)(session.pk, {"type": "delta", "seq": seq, "flag": "red"})
        received = [[await socket.receive_from() for _ in range(2)] for socket in sockets]

    assert len(snapshots) == 1
    assert json.loads(snapshots.pop())["seq"] == 1
    assert all(frames == received[0] for frames in received)
    assert [json.loads(frame)["seq"] for frame in received[0]] == [2, 3]
    assert get_hub().subscription_count() == 0
    assert group_name(session.pk) not in channel_layer.groups
