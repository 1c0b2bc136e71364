"""Delivery of live timing frames: publish once, fan out locally."""

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
