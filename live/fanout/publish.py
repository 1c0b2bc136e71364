"""Publishing live timing frames once per change, from whichever process applied it; the
per-process fan-out to sockets is in live/fanout/hub.py."""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

from live.fanout.frames import FRAME_MESSAGE_TYPE, encode, group_name

logger = logging.getLogger(__name__)
# The publisher waits this long for the channel layer before giving a frame up as lost.
PUBLISH_TIMEOUT_SECONDS = 5.0
# Frames kept for a hung or absent layer: about 20 s of a busy feed. Older ones are forgotten;
# spectators resync from the stored snapshot on the gap in seq.
MAX_UNPUBLISHED_FRAMES = 200


def publish(session_id: int, message: dict[str, Any]) -> None:
    """Send one frame (a delta with its `seq`) to every spectator of the session, in all processes.

    Called from `transaction.on_commit`, so from synchronous code. The frame is encoded here, once;
    the layer message carries it as text next to its `seq`.

    With a layer that crosses processes (Redis) the frame is handed to this process's publisher
    and `publish` returns at once: applying the timing feed never waits for the layer. A Redis that
    accepts connections but never answers held each change for the whole publish timeout, so the
    stored snapshot and the API fell behind the track along with the spectators. The publisher
    sends in order, over one kept connection (through `async_to_sync`, an ingest command with no
    event loop of its own got a fresh loop, so a fresh Redis connection, for every frame). The
    in-memory layer only reaches the loop of this process's sockets and cannot hang, so there the
    send runs as before, on the caller's outer loop if it has one.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    if isinstance(layer, InMemoryChannelLayer):
        async_to_sync(apublish)(session_id, message)
        return
    _get_publisher().submit(session_id, message)


@dataclass
class PublishStats:
    """Process-wide counters of the publisher, for tests and for the logs."""

    sent: int = 0
    failed: int = 0
    timed_out: int = 0
    # Given up unsent because too many waited for a hung or absent layer.
    dropped: int = 0


publish_stats = PublishStats()


class _Publisher:
    """This process's sender of frames to a cross-process channel layer: an event loop on a daemon
    thread and a bounded queue in front of it.

    While the layer is hung or down the queue holds the newest `MAX_UNPUBLISHED_FRAMES` frames and
    forgets older ones: the frames go out once the layer answers again, and a spectator that missed
    some sees the gap in `seq` and resyncs from the stored snapshot, which stayed current.
    """

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self._pending: deque[tuple[int, dict[str, Any]]] = deque()
        self._lock = threading.Lock()
        self._draining = False
        self._drainer: asyncio.Task[None] | None = None
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="live-publish", daemon=True
        )
        self.thread.start()

    def submit(self, session_id: int, message: dict[str, Any]) -> None:
        with self._lock:
            if len(self._pending) >= MAX_UNPUBLISHED_FRAMES:
                _, lost = self._pending.popleft()
                publish_stats.dropped += 1
                logger.warning(
                    "live session %s: frame %s dropped, channel layer not keeping up",
                    session_id,
                    lost.get("seq"),
                )
            self._pending.append((session_id, message))
            if self._draining:
                return
            self._draining = True
        self.loop.call_soon_threadsafe(self._start_draining)

    def _start_draining(self) -> None:
        self._drainer = self.loop.create_task(self._drain())

    async def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._draining = False
                    return
                session_id, message = self._pending.popleft()
            try:
                await asyncio.wait_for(_send_frame(session_id, message), PUBLISH_TIMEOUT_SECONDS)
            except TimeoutError:
                publish_stats.timed_out += 1
                logger.warning(
                    "live session %s: frame %s not published within %s s",
                    session_id,
                    message.get("seq"),
                    PUBLISH_TIMEOUT_SECONDS,
                )
            except Exception:
                publish_stats.failed += 1
                _log_unpublished(session_id, message)
            else:
                publish_stats.sent += 1

    def pending(self) -> int:
        with self._lock:
            return len(self._pending) + self._draining


_publisher_lock = threading.Lock()
_publisher: _Publisher | None = None


def _get_publisher() -> _Publisher:
    """This process's publisher, started on first use (again in a forked child, which inherits the
    loop but not the thread)."""
    global _publisher
    with _publisher_lock:
        if _publisher is None or _publisher.pid != os.getpid() or not _publisher.thread.is_alive():
            _publisher = _Publisher()
            # A command that exits right after its last change (a fast replay) would otherwise
            # take its last frames down with the publisher's daemon thread, and spectators would
            # see no gap to resync on. Bounded, so a hung layer cannot hold the exit for long.
            atexit.register(wait_published, PUBLISH_TIMEOUT_SECONDS)
        return _publisher


def wait_published(timeout: float) -> bool:
    """Wait until every frame handed to `publish` was sent or given up; False on timeout. For a
    command about to exit (the publisher's thread dies with the process) and for tests."""
    deadline = time.monotonic() + timeout
    while _publisher is not None and _publisher.pending():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)
    return True


async def _send_frame(session_id: int, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    frame = {"type": FRAME_MESSAGE_TYPE, "seq": int(message["seq"]), "text": encode(message)}
    await layer.group_send(group_name(session_id), frame)


def _log_unpublished(session_id: int, message: dict[str, Any]) -> None:
    # Redis restarting, say. The change is committed and the layer is at-most-once anyway:
    # spectators see the gap in seq on the next frame and resync from the stored snapshot.
    logger.warning(
        "live session %s: frame %s not published, channel layer unavailable",
        session_id,
        message.get("seq"),
        exc_info=True,
    )


async def apublish(session_id: int, message: dict[str, Any]) -> None:
    """`publish` for code already running on an event loop (no thread hops)."""
    try:
        await _send_frame(session_id, message)
    except Exception:
        # Raising here would stop the ingest, which must keep applying the timing feed.
        _log_unpublished(session_id, message)
