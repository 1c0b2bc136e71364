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
