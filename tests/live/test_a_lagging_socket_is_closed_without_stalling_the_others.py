"""A socket that stops reading is cut off once too far behind; the others keep receiving."""

from __future__ import annotations

import asyncio
from typing import Any

from asgiref.sync import sync_to_async

from live.fanout.hub import LAGGING_CLOSE_CODE, MAX_BACKLOG, FanoutHub, Outbox
from live.fanout.publish import publish


async def test_a_stuck_socket_is_dropped_and_told_to_resync(channel_layer) -> None:
    hub = FanoutHub()
    healthy_events: list[dict[str, Any]] = []
    stuck_events: list[dict[str, Any]] = []
    unblock = asyncio.Event()

    async def healthy_send(event: dict[str, Any]) -> None:
        healthy_events.append(event)

    async def stuck_send(event: dict[str, Any]) -> None:
        stuck_events.append(event)
        await unblock.wait()

    dropped: list[Outbox] = []
    healthy = Outbox(healthy_send, on_lagging=dropped.append)
    stuck = Outbox(stuck_send, on_lagging=lambda o: (dropped.append(o), hub.drop(2, o)))
    for outbox in (healthy, stuck):
        await hub.subscribe(2, outbox)
        outbox.start(sent_seq=0)

    total = MAX_BACKLOG + 5
    for seq in range(1, total + 1):
        await sync_to_async(publish)(2, {"type": "delta", "seq": seq})
    while len(healthy_events) < total:
        await asyncio.sleep(0.001)

    assert dropped == [stuck]
    assert hub.member_count(2) == 1
    assert hub.stats.lagging_sockets_closed == 1

    unblock.set()
    while not stuck.closed:
        await asyncio.sleep(0.001)
    assert stuck_events[-1] == {"type": "websocket.close", "code": LAGGING_CLOSE_CODE}
    assert len(stuck_events) == 2

    await hub.unsubscribe(2, healthy)
    await hub.unsubscribe(2, stuck)
    assert hub.subscription_count() == 0
