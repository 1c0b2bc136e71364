"""A "Redis" that accepts connections but never answers must not slow the ingest: the stored
snapshot and the API keep pace with the timing feed, and the frames wait for the layer instead
(issue 12, W3). Before, every change waited the whole publish timeout (5 s)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from django.test import Client

from live.fanout import publish
from live.feeds.ingest import ingest
from live.services.timing import create_live_session
from tests.live.test_live_ingest_reconnects_with_back_off import free_port, serve

LAPS = 6


class SilentServer:
    """A real TCP server that accepts every connection and never sends a byte back."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.listener.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def hung_layer(settings: Any) -> Iterator[SilentServer]:
    server = SilentServer()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{server.port}/0"]},
        }
    }
    channel_layers.backends.clear()
    yield server
    # Hanging up fails the frames still waiting at once, so no later test queues behind them.
    server.close()
    publish.wait_published(30)
    channel_layers.backends.clear()


def laps_feed() -> list[bytes]:
    """One RMonitor lap per connection of the timing PC, each one change of the board."""
    first = b'$A,"7","7",1,"Li","Na","",1\r\n$C,1,"GT3"\r\n'
    return [
        (first if lap == 1 else b"")
        + f'$J,"7","00:01:00.000","00:{lap:02d}:00.000"\r\n'.encode()
        + f'$G,1,"7",{lap},"00:{lap:02d}:00.000"\r\n'.encode()
        for lap in range(1, LAPS + 1)
    ]


@pytest.mark.django_db(transaction=True)
async def test_the_snapshot_keeps_pace_with_the_feed_while_the_layer_never_answers(
    hung_layer: SilentServer,
) -> None:
    session = await sync_to_async(create_live_session)(name="Live 1")
    port = free_port()
    server, _ = await serve(port, laps_feed())
    sent_before = publish.publish_stats.sent
    started = time.monotonic()
    async with server:
        stats = await ingest(
            session_id=session.pk,
            host="127.0.0.1",
            port=port,
            format="rmonitor",
            max_connections=LAPS,
            initial_backoff_s=0.001,
        )
    elapsed = time.monotonic() - started

    await sync_to_async(session.refresh_from_db)()
    assert stats.changes == LAPS and session.seq == LAPS
    assert session.snapshot["rows"][0]["laps"] == LAPS
    # Six changes waiting 5 s each for the layer took 30 s; now the feed takes about a second.
    assert elapsed < 2 * publish.PUBLISH_TIMEOUT_SECONDS
    response = await sync_to_async(Client().get)(f"/api/live/sessions/{session.pk}/")
    assert response.status_code == 200
    assert (response.json()["seq"], response.json()["rows"][0]["laps"]) == (LAPS, LAPS)
    # The layer took the connection and nothing came of it: the frames are still waiting.
    assert hung_layer.accepted
    assert publish.publish_stats.sent == sent_before
