"""The usual Channels pattern, for comparison: every consumer joins the group and the layer hands
each one its own copy of every update (one group_send fanned out per consumer)."""

from __future__ import annotations

import asyncio
import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from channels.routing import URLRouter  # noqa: E402
from django.urls import re_path  # noqa: E402
from fanout_common import encode, run_publisher  # noqa: E402

GROUP = "bench.naive"


class NaiveConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def live_frame(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])


websocket = URLRouter([re_path(r"^ws/naive/$", NaiveConsumer.as_asgi())])


async def send(seq: int, message: dict[str, Any]) -> None:
    await get_channel_layer().group_send(GROUP, {"type": "live.frame", "text": encode(message)})


async def app(scope: dict[str, Any], receive: Any, send_event: Any) -> None:
    if scope["type"] == "websocket":
        await websocket(scope, receive, send_event)
        return
    if scope["type"] != "lifespan":
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
