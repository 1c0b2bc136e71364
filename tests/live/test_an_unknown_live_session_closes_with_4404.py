"""A socket for a live session that does not exist is closed with code 4404."""

from __future__ import annotations

import pytest
from channels.testing.websocket import WebsocketCommunicator

from config.asgi import application
from live.fanout.hub import get_hub
from tests.live.conftest import ORIGIN


async def test_an_unknown_session_is_closed_with_4404(transactional_db, channel_layer) -> None:
    socket = WebsocketCommunicator(
        application, "/ws/live/sessions/987654/", headers=[(b"origin", ORIGIN)]
    )
    connected, _ = await socket.connect()

    assert connected
    assert await socket.receive_output() == {"type": "websocket.close", "code": 4404}
    assert get_hub().subscription_count() == 0
    await socket.wait()


@pytest.mark.parametrize("raw_id", ["abc", "0", "99999999999999999999999", "%C2%B2"])
async def test_a_malformed_session_id_is_closed_with_4404_too(
    transactional_db, channel_layer, raw_id: str
) -> None:
    socket = WebsocketCommunicator(
        application, f"/ws/live/sessions/{raw_id}/", headers=[(b"origin", ORIGIN)]
    )
    connected, _ = await socket.connect()

    assert connected
    assert await socket.receive_output() == {"type": "websocket.close", "code": 4404}
    await socket.wait()
