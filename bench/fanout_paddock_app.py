"""Paddock's own ASGI application, plus a publisher calling `live.fanout.publish.apublish` at 10 Hz.

The publisher runs inside the server process because the default (in-memory) channel layer only
reaches sockets of its own process. It calls the async form of `publish` on the server's loop (as
an ingest on that loop would); the sync form called from a worker thread costs several loop round
trips, each queued behind thousands of socket writes (set FANOUT_SYNC_PUBLISH=1 to measure that).
Spectators connect to the real /ws/live/sessions/<id>/ route.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from asgiref.sync import sync_to_async
from fanout_common import run_publisher

from config.asgi import application as paddock
from live.fanout.publish import apublish, publish

SESSION_ID = int(os.environ["FANOUT_SESSION_ID"])
SYNC_PUBLISH = os.environ.get("FANOUT_SYNC_PUBLISH") == "1"
publish_from_a_thread = sync_to_async(publish)


async def send(seq: int, message: dict[str, Any]) -> None:
    if SYNC_PUBLISH:
        await publish_from_a_thread(SESSION_ID, message)
    else:
        await apublish(SESSION_ID, message)


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
