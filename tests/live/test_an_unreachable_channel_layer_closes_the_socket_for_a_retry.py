"""If this process cannot join the session's group (Redis down), the socket is closed with 1013
so the board retries with back-off, instead of staying open and silently frozen."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from config.asgi import application
from live.fanout import hub
from live.fanout.hub import get_hub
from tests.live.conftest import ORIGIN


async def test_a_socket_that_cannot_subscribe_is_told_to_try_again_later(
    make_live_session, channel_layer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unreachable(group: str, channel: str) -> None:
        await asyncio.Event().wait()

    monkeypatch.setattr(channel_layer, "group_add", unreachable)
    monkeypatch.setattr(hub, "SUBSCRIBE_TIMEOUT_SECONDS", 0.05)
    session = await sync_to_async(make_live_session)(seq=1)
    socket = WebsocketCommunicator(
        application, f"/ws/live/sessions/{session.pk}/", headers=[(b"origin", ORIGIN)]
    )

    connected, _ = await socket.connect()

    assert connected
    assert await socket.receive_output() == {"type": "websocket.close", "code": 1013}
    assert get_hub().subscription_count() == 0
    await socket.wait()
