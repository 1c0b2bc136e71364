"""A real uvicorn server on this test's own event loop, serving Paddock's ASGI application.

Running in this process it shares the test database and the in-memory channel layer.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn


@asynccontextmanager
async def uvicorn_in_this_loop() -> AsyncIterator[int]:
    """Serve config.asgi.application on a free port of 127.0.0.1; yields the port."""
    from config.asgi import application

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    config = uvicorn.Config(
        application,
        host="127.0.0.1",
        port=port,
        ws="config.uvicorn_ws:WebSocketProtocol",
        lifespan="off",
        log_level="warning",
    )
    server = uvicorn.Server(config)
    task = asyncio.get_running_loop().create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn did not start"
        await asyncio.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def send_websocket_upgrade(
    port: int, path: str, *, origin: str, receive_buffer: int | None = None
) -> socket.socket:
    """A raw client socket that has sent a WebSocket handshake for `path` and reads nothing yet:
    for tests that control exactly when (or whether) the client reads."""
    sock = socket.socket()
    if receive_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.setblocking(False)
    loop = asyncio.get_running_loop()
    await loop.sock_connect(sock, ("127.0.0.1", port))
    await loop.sock_sendall(
        sock,
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: {origin}\r\n\r\n"
        ).encode(),
    )
    return sock
