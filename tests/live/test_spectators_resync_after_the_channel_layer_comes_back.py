"""Redis goes away under a live session and comes back: meanwhile the ingest keeps the stored
snapshot current and publishing fails without harm; afterwards the server process's subscription
is live again, new frames reach the spectator, and the seq gap lets it resync from the stored
deltas (issue 12, W3)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing.websocket import WebsocketCommunicator

from live.engine.timing import Competitor, Heartbeat
from live.fanout import publish
from live.models import LiveSession
from live.services.timing import apply_timing_events, create_live_session
from tests.live.conftest import spectator

pytestmark = pytest.mark.redis


class CuttableProxy:
    """A real TCP proxy in front of Redis that can drop every connection and refuse new ones
    (Redis restarting, a network cut), then take connections again on the same port."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = 0
        self.links: list[socket.socket] = []
        self.listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        if self.listener is not None:
            # Shut down first: a close alone leaves the accept() blocked in the thread listening.
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
        for link in self.links:
            with contextlib.suppress(OSError):
                link.shutdown(socket.SHUT_RDWR)
            link.close()
        self.links.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.links += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def redis_behind_a_proxy(settings: Any) -> Iterator[CuttableProxy]:
    url = urlsplit(settings.REDIS_URL)
    proxy = CuttableProxy((url.hostname or "127.0.0.1", url.port or 6379))
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{proxy.port}{url.path}"]},
        }
    }
    channel_layers.backends.clear()
    yield proxy
    proxy.cut()
    publish.wait_published(30)
    channel_layers.backends.clear()


def lap(n: int) -> list[Any]:
    return [
        Heartbeat(
            laps_to_go=100 - n,
            time_to_go_ms=None,
            time_of_day_ms=None,
            elapsed_ms=n * 1000,
            flag="green",
        )
    ]


async def next_delta(socket: WebsocketCommunicator, timeout: float) -> dict[str, Any] | None:
    # Not receive_from with a timeout: on a timeout the communicator cancels the consumer.
    if await socket.receive_nothing(timeout=timeout):
        return None
    frame = json.loads(await socket.receive_from())
    assert frame["type"] == "delta"
    return frame


async def change_until_delivered(
    session_id: int, socket: WebsocketCommunicator, first: int, tries: int = 40
) -> tuple[dict[str, Any], int]:
    """Apply changes until one reaches the socket (pub/sub drops frames until it resubscribes)."""
    apply = sync_to_async(apply_timing_events)
    for n in range(first, first + tries):
        await apply(session_id=session_id, events=lap(n))
        frame = await next_delta(socket, 0.5)
        if frame is not None:
            return frame, n
    pytest.fail("no frame reached the spectator")


@pytest.fixture
async def live_session(transactional_db: None) -> AsyncIterator[LiveSession]:
    session = await sync_to_async(create_live_session)(name="Live 1")
    await sync_to_async(apply_timing_events)(
        session_id=session.pk, events=[Competitor("7", "7", "Li", "Na")]
    )
    yield session


async def test_the_subscription_comes_back_and_the_spectator_resyncs_by_seq(
    redis_behind_a_proxy: CuttableProxy, live_session: LiveSession
) -> None:
    session_id = live_session.pk
    async with spectator(session_id) as socket:
        opening = json.loads(await socket.receive_from(timeout=5))
        assert opening["type"] == "snapshot"
        frame, n = await change_until_delivered(session_id, socket, 1)
        seen = frame["seq"]

        redis_behind_a_proxy.cut()
        apply = sync_to_async(apply_timing_events)
        missed = [await apply(session_id=session_id, events=lap(n + k)) for k in range(1, 4)]
        # The stored snapshot kept pace while no frame could go out.
        assert missed == [seen + 1, seen + 2, seen + 3]
        assert await next_delta(socket, 0.5) is None
        assert publish.wait_published(15)

        redis_behind_a_proxy.restore()
        frame, _ = await change_until_delivered(session_id, socket, n + 10)
        # The gap in seq is what tells the board to resync.
        assert frame["seq"] > seen + 3

    # The resync: a socket resuming from the last frame it applied gets the stored deltas.
    async with spectator(session_id, f"since={seen}") as again:
        resumed = [json.loads(await again.receive_from(timeout=5)) for _ in range(3)]
    assert [f["seq"] for f in resumed] == missed


async def test_publishing_to_a_layer_that_is_down_fails_without_stopping_the_change(
    redis_behind_a_proxy: CuttableProxy, live_session: LiveSession
) -> None:
    assert publish.wait_published(15)
    redis_behind_a_proxy.cut()
    failed_before = publish.publish_stats.failed
    seq = await sync_to_async(apply_timing_events)(session_id=live_session.pk, events=lap(1))
    assert publish.wait_published(15)

    await sync_to_async(live_session.refresh_from_db)()
    assert seq == live_session.seq == live_session.snapshot["seq"]
    assert publish.publish_stats.failed == failed_before + 1
