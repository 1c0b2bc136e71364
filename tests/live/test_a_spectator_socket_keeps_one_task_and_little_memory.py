"""What an open spectator socket costs the server that production runs (uvicorn with
config.uvicorn_ws's protocol, config.asgi's routing): one task, the server's own, and a bounded
amount of memory, measured with tracemalloc over a hundred sockets at a time.

A Channels consumer held a second task per socket (its `receive` wrapped by
`await_many_dispatch`) and, with uvicorn's stock protocol, about 27 KB per socket where this
counts about 14 KB; a plain `websockets` server connection holds 14 KB (docs/live-fanout.md,
"Serving"). The clients are bare sockets that read the handshake and the snapshot and nothing
else, so what they allocate in this process is a socket object each.
"""

from __future__ import annotations

import asyncio
import gc
import socket
import tracemalloc
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from live.fanout.hub import get_hub
from live.models import LiveSession
from tests.servers import send_websocket_upgrade, uvicorn_in_this_loop

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = "http://127.0.0.1"
BATCH = 100
# Bytes per open socket, all layers of this process: uvicorn's protocol and transport, the
# `websockets` parser, the scope, the routers' coroutines, the socket's own coroutine and outbox,
# and the client's socket object.
BUDGET_PER_SOCKET = 17_000


@pytest.fixture
async def server(settings: Any, channel_layer: object) -> AsyncIterator[int]:
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    settings.LIVE_MAX_SOCKETS_PER_CLIENT = 0
    async with uvicorn_in_this_loop() as port:
        yield port


async def open_spectator(port: int, session_id: int) -> socket.socket:
    """A spectator that reads the handshake answer and its snapshot, then just stays open."""
    sock = await send_websocket_upgrade(port, f"/ws/live/sessions/{session_id}/", origin=ORIGIN)
    loop = asyncio.get_running_loop()
    received = b""
    while b'"type":"snapshot"' not in received:
        chunk = await asyncio.wait_for(loop.sock_recv(sock, 65_536), 10)
        assert chunk, received[:200]
        received += chunk
    assert received.startswith(b"HTTP/1.1 101"), received[:100]
    return sock


async def open_batch(port: int, session_id: int, opened: list[socket.socket]) -> None:
    opened += await asyncio.gather(*(open_spectator(port, session_id) for _ in range(BATCH)))
    hub = get_hub()
    while hub.member_count(session_id) < len(opened):
        await asyncio.sleep(0.01)
    # Let every socket's coroutine reach its `receive` after the snapshot.
    for _ in range(10):
        await asyncio.sleep(0)


async def test_a_hundred_more_spectators_cost_a_task_and_under_17_kb_each(
    server: int, make_live_session: Callable[..., LiveSession]
) -> None:
    session = await asyncio.to_thread(make_live_session)
    opened: list[socket.socket] = []
    try:
        # A first batch warms up what is made once (the subscription, imports, caches).
        await open_batch(server, session.pk, opened)
        tasks_before = asyncio.all_tasks()
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.take_snapshot()
            await open_batch(server, session.pk, opened)
            gc.collect()
            after = tracemalloc.take_snapshot()
        finally:
            tracemalloc.stop()
        new_tasks = asyncio.all_tasks() - tasks_before
    finally:
        for sock in opened:
            sock.close()

    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    # uvicorn's task per connection, running the application; nothing else.
    assert len(new_tasks) == BATCH
    assert {task.get_coro().__qualname__ for task in new_tasks} == {  # type: ignore[union-attr]
        "WebSocketsSansIOProtocol.run_asgi"
    }
    assert 0 < grown / BATCH < BUDGET_PER_SOCKET, f"{grown / BATCH:.0f} bytes per socket"
