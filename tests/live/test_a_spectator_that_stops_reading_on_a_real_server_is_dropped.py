"""On a real uvicorn server, a spectator whose phone stops reading fills the server's buffers until
its sends have to wait; it is dropped once too far behind, and the spectators that read get every
frame in order meanwhile."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from live.fanout.hub import MAX_BACKLOG, get_hub
from live.fanout.publish import apublish
from live.models import LiveSession
from tests.servers import send_websocket_upgrade, uvicorn_in_this_loop

pytestmark = pytest.mark.django_db(transaction=True)

FRAMES = 5 * MAX_BACKLOG
PAD = "x" * 40_000  # 40 kB frames fill the kernel's buffers of the stuck socket quickly
ORIGIN = "http://127.0.0.1"


@pytest.fixture
async def server(settings: Any, channel_layer: object) -> AsyncIterator[int]:
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    async with uvicorn_in_this_loop() as port:
        yield port


async def stuck_spectator(port: int, session_id: int) -> socket.socket:
    """Opens the socket, reads the handshake answer, then never reads again."""
    sock = await send_websocket_upgrade(
        port, f"/ws/live/sessions/{session_id}/", origin=ORIGIN, receive_buffer=4096
    )
    loop = asyncio.get_running_loop()
    answer = await asyncio.wait_for(loop.sock_recv(sock, 1024), 10)
    assert answer.startswith(b"HTTP/1.1 101"), answer[:100]
    return sock


async def read_deltas(client: ClientConnection, until: int) -> list[int]:
    seqs = []
    while not seqs or seqs[-1] < until:
        message = json.loads(await asyncio.wait_for(client.recv(), 30))
        if message.get("type") == "delta":
            seqs.append(message["seq"])
    return seqs


async def test_the_stuck_spectator_is_dropped_and_the_others_miss_nothing(
    server: int, make_live_session: Callable[..., LiveSession]
) -> None:
    session = await asyncio.to_thread(make_live_session)
    url = f"ws://127.0.0.1:{server}/ws/live/sessions/{session.pk}/"
    hub = get_hub()

    readers = [await connect(url, origin=ORIGIN, max_size=None) for _ in range(3)]  # type: ignore[arg-type]
    for reader in readers:
        first = json.loads(await asyncio.wait_for(reader.recv(), 10))
        assert first["seq"] == 0
    stuck = await stuck_spectator(server, session.pk)
    while hub.member_count(session.pk) < 4:
        await asyncio.sleep(0.01)

    received = [asyncio.create_task(read_deltas(reader, FRAMES)) for reader in readers]
    for seq in range(1, FRAMES + 1):
        await apublish(session.pk, {"type": "delta", "seq": seq, "pad": PAD})
        await asyncio.sleep(0.001)

    results = await asyncio.wait_for(asyncio.gather(*received), 60)
    assert all(seqs == list(range(1, FRAMES + 1)) for seqs in results)
    assert hub.stats.lagging_sockets_closed == 1
    assert hub.member_count(session.pk) == 3

    stuck.close()
    for reader in readers:
        await reader.close()
    for _ in range(500):
        if hub.subscription_count() == 0:
            break
        await asyncio.sleep(0.01)
    assert hub.subscription_count() == 0
