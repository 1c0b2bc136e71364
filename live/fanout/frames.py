"""What a live timing frame is on the channel layer: its group, its message type, its text.

No project imports, so the board queries, the publisher and the hub can all use it without
importing each other.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

FRAME_MESSAGE_TYPE = "live.frame"
# An ASGI extension a server may put in a WebSocket scope's "extensions": a function writing a text
# message (UTF-8 bytes) at once, returning False when the socket cannot take it now (then the ASGI
# `send` is used). Production's uvicorn protocol offers it (config/uvicorn_ws.py).
SEND_TEXT_NOWAIT = "paddock.websocket.send_text_nowait"

Send = Callable[[dict[str, Any]], Awaitable[None]]


def group_name(session_id: int) -> str:
    return f"live.{session_id}"


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))
