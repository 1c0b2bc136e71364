"""An ingest or replay command has no event loop of its own: its frames still go out over one kept
Redis connection, in order, instead of a new connection per frame."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis
from channels.layers import channel_layers, get_channel_layer

from live.fanout.frames import group_name
from live.fanout.publish import publish

pytestmark = pytest.mark.redis

FRAMES = 20


@pytest.fixture
async def redis_layer(settings: Any) -> AsyncIterator[Any]:
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [settings.REDIS_URL]},
        }
    }
    channel_layers.backends.clear()
    yield get_channel_layer()
    channel_layers.backends.clear()


def connections_received(url: str) -> int:
    client = redis.Redis.from_url(url)
    try:
        return int(client.info("stats")["total_connections_received"])
    finally:
        client.close()


async def probe_until_subscribed(layer: Any, channel: str, session_id: int) -> None:
    """Until the subscription is live a frame can be lost (pub/sub): probe until one arrives."""
    for _ in range(50):
        await asyncio.to_thread(publish, session_id, {"type": "delta", "seq": 0})
        try:
            await asyncio.wait_for(layer.receive(channel), 0.2)
            return
        except TimeoutError:
            continue
    pytest.fail("no frame reached the group within 10 s")


async def test_frames_from_a_thread_without_a_loop_share_one_connection(
    redis_layer: Any, settings: Any
) -> None:
    session_id = 987_654
    channel = await redis_layer.new_channel("test.")
    await redis_layer.group_add(group_name(session_id), channel)
    try:
        await probe_until_subscribed(redis_layer, channel, session_id)

        before = await asyncio.to_thread(connections_received, settings.REDIS_URL)

        def ingest() -> None:
            for seq in range(1, FRAMES + 1):
                publish(session_id, {"type": "delta", "seq": seq})

        await asyncio.to_thread(ingest)
        seqs = [
            (await asyncio.wait_for(redis_layer.receive(channel), 5))["seq"] for _ in range(FRAMES)
        ]
        after = await asyncio.to_thread(connections_received, settings.REDIS_URL)
    finally:
        await redis_layer.group_discard(group_name(session_id), channel)

    assert seqs == list(range(1, FRAMES + 1))
    # One connection was opened by the counting itself; the frames opened none.
    assert after - before == 1
