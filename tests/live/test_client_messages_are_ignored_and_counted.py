"""Spectators have nothing to say: whatever they send is counted and dropped, never a crash."""

from __future__ import annotations

import asyncio
import json

from asgiref.sync import sync_to_async

from live.fanout.hub import get_hub
from live.fanout.publish import publish
from tests.live.conftest import spectator


async def test_text_binary_and_oversized_messages_do_not_disturb_the_stream(
    make_live_session, channel_layer
) -> None:
    session = await sync_to_async(make_live_session)(seq=1)

    async with spectator(session.pk) as socket:
        await socket.receive_from()
        await socket.send_to(text_data="hello")
        await socket.send_to(text_data='{"type": "subscribe", "session": 1}')
        await socket.send_to(bytes_data=b"\x00\xff" * 10_000)
        await socket.send_to(text_data="x" * 200_000)
        await sync_to_async(publish)(session.pk, {"type": "delta", "seq": 2})
        delta = json.loads(await socket.receive_from())

        # The socket's own messages are handled in order: a fifth one proves the four are done.
        await socket.send_to(text_data="last")
        for _ in range(100):
            if get_hub().stats.ignored_client_messages == 5:
                break
            await asyncio.sleep(0)

    assert delta["seq"] == 2
    assert get_hub().stats.ignored_client_messages == 5
