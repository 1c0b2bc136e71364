"""`publish` encodes the frame to JSON text once; the layer carries that text next to its seq."""

from __future__ import annotations

import json

from asgiref.sync import sync_to_async

from live.fanout.frames import FRAME_MESSAGE_TYPE, group_name
from live.fanout.publish import publish


async def test_a_published_delta_reaches_the_group_as_encoded_text(channel_layer) -> None:
    channel = await channel_layer.new_channel()
    await channel_layer.group_add(group_name(41), channel)

    await sync_to_async(publish)(41, {"type": "delta", "seq": 12, "rows": [{"number": "7"}]})

    message = await channel_layer.receive(channel)
    assert message["type"] == FRAME_MESSAGE_TYPE
    assert message["seq"] == 12
    assert json.loads(message["text"]) == {"type": "delta", "seq": 12, "rows": [{"number": "7"}]}


def test_group_names_follow_the_live_session_id() -> None:
    assert group_name(5) == "live.5"
