"""One client address holds at most LIVE_MAX_SOCKETS_PER_CLIENT live sockets (default 20) per
server process; the next is closed with 4430, which the board explains and waits on (issue 12,
W2). Other addresses are not affected, and closing a socket frees its slot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.conf import settings

from config.asgi import application
from live.models import LiveSession
from live.views.consumers import TOO_MANY_SOCKETS_CLOSE_CODE
from tests.live.conftest import ORIGIN

ATTACKER = "203.0.113.7"
NEIGHBOUR = "198.51.100.20"


async def open_socket(session_id: int, address: str, port: int) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(
        application, f"/ws/live/sessions/{session_id}/", headers=[(b"origin", ORIGIN)]
    )
    # What uvicorn puts in the scope: the peer, or with --proxy-headers the proxy's client.
    socket.scope["client"] = (address, port)
    connected, _ = await socket.connect()
    assert connected
    return socket


async def gets_the_board(socket: WebsocketCommunicator) -> bool:
    message = await socket.receive_output(timeout=5)
    return message["type"] == "websocket.send" and '"type":"snapshot"' in message["text"]


async def is_refused(socket: WebsocketCommunicator) -> bool:
    message = await socket.receive_output(timeout=5)
    return message == {"type": "websocket.close", "code": TOO_MANY_SOCKETS_CLOSE_CODE}


async def test_the_twenty_first_socket_from_one_address_is_refused_until_one_closes(
    channel_layer: Any, make_live_session: Callable[..., LiveSession]
) -> None:
    assert settings.LIVE_MAX_SOCKETS_PER_CLIENT == 20
    session = await sync_to_async(make_live_session)(seq=3)
    held = [await open_socket(session.pk, ATTACKER, 40_000 + n) for n in range(20)]
    try:
        for socket in held:
            assert await gets_the_board(socket)

        extra = await open_socket(session.pk, ATTACKER, 41_000)
        assert await is_refused(extra)
        await extra.wait()

        neighbour = await open_socket(session.pk, NEIGHBOUR, 40_000)
        assert await gets_the_board(neighbour)
        await neighbour.disconnect()

        await held.pop().disconnect()
        again = await open_socket(session.pk, ATTACKER, 41_001)
        assert await gets_the_board(again)
        held.append(again)
    finally:
        for socket in held:
            await socket.disconnect()


async def test_the_cap_follows_the_setting(
    channel_layer: Any, make_live_session: Callable[..., LiveSession], settings: Any
) -> None:
    settings.LIVE_MAX_SOCKETS_PER_CLIENT = 2
    session = await sync_to_async(make_live_session)()
    held = [await open_socket(session.pk, ATTACKER, 40_000 + n) for n in range(2)]
    try:
        extra = await open_socket(session.pk, ATTACKER, 41_000)
        assert await is_refused(extra)
        await extra.wait()
    finally:
        for socket in held:
            await socket.disconnect()
