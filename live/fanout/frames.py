"""What a live timing frame is on the channel layer: its group, its message type, its text.

No project imports, so the board queries, the publisher and the hub can all use it without
importing each other.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

FRAME_MESSAGE_TYPE = "live.frame"

Send = Callable[[dict[str, Any]], Awaitable[None]]


def group_name(session_id: int) -> str:
    return f"live.{session_id}"


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))
