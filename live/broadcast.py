"""Publishing of live deltas to spectators. Owned by live-fanout (issue 6 part 2).

Contract used by `live.services`: `publish(session_id, message)` is called inside
`transaction.on_commit`, with `message = {"type": "delta", "seq": n, ...}`. This first version
sends one group message on the channel layer; live-fanout replaces the delivery side.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def group_name(session_id: int) -> str:
    return f"live.session.{session_id}"


def publish(session_id: int, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(group_name(session_id), message)
