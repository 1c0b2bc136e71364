"""Many local sockets share one channel-layer subscription and receive the very same frame."""

from __future__ import annotations

import asyncio
from typing import Any

from asgiref.sync import sync_to_async

from live.fanout.frames import group_name
from live.fanout.hub import FanoutHub, Outbox
from live.fanout.publish import publish


class RecordingSocket:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.arrived = asyncio.Event()

    async def send(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        self.arrived.set()


async def test_fifty_sockets_share_one_group_membership_and_one_encoded_frame(
    channel_layer,
) -> None:
    hub = FanoutHub()
    sockets = [RecordingSocket() for _ in range(50)]
    outboxes = []
    for socket in sockets:
        outbox = Outbox(socket.send, on_lagging=lambda _: None)
        await hub.subscribe(3, outbox)
        outbox.start(sent_seq=0)
        outboxes.append(outbox)

    assert hub.subscription_count() == 1
    assert len(channel_layer.groups[group_name(3)]) == 1

    await sync_to_async(publish)(3, {"type": "delta", "seq": 1, "flag": "yellow"})
    await asyncio.wait_for(asyncio.gather(*(s.arrived.wait() for s in sockets)), 5)

    first = sockets[0].events[0]
    assert first == {"type": "websocket.send", "text": '{"type":"delta","seq":1,"flag":"yellow"}'}
    assert all(s.events == [first] and s.events[0] is first for s in sockets)
    assert hub.stats.frames_received == 1

    for outbox in outboxes:
        await hub.unsubscribe(3, outbox)
    assert hub.subscription_count() == 0
    assert group_name(3) not in channel_layer.groups


async def test_the_subscription_ends_only_when_the_last_local_socket_leaves(channel_layer) -> None:
    hub = FanoutHub()
    first, second = (Outbox(RecordingSocket().send, on_lagging=lambda _: None) for _ in "ab")
    await hub.subscribe(9, first)
    await hub.subscribe(9, second)

    await hub.unsubscribe(9, first)
    assert hub.member_count(9) == 1
    assert len(channel_layer.groups[group_name(9)]) == 1

    await hub.unsubscribe(9, second)
    assert hub.subscription_count() == 0
    assert group_name(9) not in channel_layer.groups


async def test_frames_already_in_the_snapshot_are_not_sent_again(channel_layer) -> None:
    hub = FanoutHub()
    socket = RecordingSocket()
    outbox = Outbox(socket.send, on_lagging=lambda _: None)
    await hub.subscribe(4, outbox)
    for seq in (5, 6, 7):
        await sync_to_async(publish)(4, {"type": "delta", "seq": seq})
    while hub.stats.frames_received < 3:
        await asyncio.sleep(0)

    outbox.start(sent_seq=6)
    await asyncio.wait_for(socket.arrived.wait(), 5)

    assert [event["text"] for event in socket.events] == ['{"type":"delta","seq":7}']
    await hub.unsubscribe(4, outbox)
