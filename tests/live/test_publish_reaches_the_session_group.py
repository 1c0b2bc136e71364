"""`live.broadcast.publish` delivers a delta to whoever listens on the session's group."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from live.broadcast import group_name, publish


async def test_a_published_delta_arrives_on_the_session_group() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(group_name(7), channel)
    await sync_to_async(publish)(7, {"type": "delta", "seq": 3, "rows": []})
    message = await layer.receive(channel)
    assert message["seq"] == 3
    await layer.group_discard(group_name(7), channel)
