"""Paddock's own ASGI application, plus a publisher calling `live.broadcast.publish` at 10 Hz.

The publisher runs inside the server process because the default (in-memory) channel layer only
reaches sockets of its own process; it calls `publish` from a worker thread, as the ingest service
does after commit. Spectators connect to the real /ws/live/sessions/<id>/ route.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from asgiref.sync import sync_to_async
from fanout_common import run_publisher

from config.asgi import application as paddock
from live.broadcast import publish

SESSION_ID = int(os.environ["FANOUT_SESSION_ID"])
publish_after_commit = sync_to_async(publish)


async def send(seq: int, message: dict[str, Any]) -> None:
    await publish_after_commit(SESSION_ID, message)


async def app(scope: dict[str, Any], receive: Any, send_event: Any) -> None:
    if scope["type"] != "lifespan":
        await paddock(scope, receive, send_event)
        return
    task: asyncio.Task[None] | None = None
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            task = asyncio.get_running_loop().create_task(run_publisher(send))
            await send_event({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if task is not None:
                task.cancel()
            await send_event({"type": "lifespan.shutdown.complete"})
            return
