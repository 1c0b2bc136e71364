from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from channels.layers import channel_layers, get_channel_layer
from channels.testing.websocket import WebsocketCommunicator

from live.models import LiveDelta, LiveSession

ORIGIN = b"http://testserver"


@pytest.fixture
async def channel_layer(settings: Any) -> AsyncIterator[object]:
    """The in-memory layer, emptied before and after so groups never leak between tests.

    These tests look inside the hub and count group memberships, and they publish bursts right
    after subscribing: Redis pub/sub subscribes asynchronously, so a burst could be lost before
    the subscription is live, which the protocol recovers from with a snapshot but an exact
    count cannot. Redis is covered end to end by the two-process test.
    """
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    layer = get_channel_layer()
    await layer.flush()
    yield layer
    await layer.flush()
    channel_layers.backends.clear()


@pytest.fixture
def make_live_session(transactional_db: None) -> Callable[..., LiveSession]:
    """A live session with a snapshot and, optionally, stored deltas 1..seq (minus `missing`)."""

    def make(
        *, seq: int = 0, rows: list[dict[str, Any]] | None = None, missing: tuple[int, ...] = ()
    ) -> LiveSession:
        session = LiveSession.objects.create(name="Sprint race", mode="race", seq=seq)
        session.snapshot = {"seq": seq, "flag": "green", "rows": rows or []}
        session.save(update_fields=["snapshot"])
        LiveDelta.objects.bulk_create(
            LiveDelta(session=session, seq=n, payload={"type": "delta", "seq": n, "flag": "green"})
            for n in range(1, seq + 1)
            if n not in missing
        )
        return session

    return make


@asynccontextmanager
async def spectator(session_id: int, query: str = "") -> AsyncIterator[WebsocketCommunicator]:
    """A spectator socket through the project's real ASGI routing."""
    from config.asgi import application

    path = f"/ws/live/sessions/{session_id}/" + (f"?{query}" if query else "")
    communicator = WebsocketCommunicator(application, path, headers=[(b"origin", ORIGIN)])
    connected, _ = await communicator.connect()
    assert connected
    try:
        yield communicator
    finally:
        await communicator.disconnect()
