"""Delivery of live timing frames: publish once, fan out locally.

`publish(session_id, message)` (live/fanout/publish.py) runs after commit in whichever process
applied the timing event. It encodes the frame to JSON text once and sends it to the channel-layer
group `live.<id>`.

Every server process keeps at most one channel-layer subscription per live session (`FanoutHub`),
however many spectators it serves. The subscription hands the same already-encoded ASGI event to
each local socket's `Outbox`, which writes it at once while the socket keeps up and queues it
(bounded, with a writer task) only while the socket's send has to wait, so one slow phone cannot
stall the others. The naive Channels pattern (each consumer in the group, each getting its own copy
through the layer) collapses at a few hundred spectators: see docs/timing.md, section 6.

The channel layer is at-most-once; the frames carry `seq`, and a spectator that sees a gap asks
for a fresh snapshot. That is also how a socket that fell too far behind recovers: it is closed
with `LAGGING_CLOSE_CODE` and reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Generator, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from channels.layers import InMemoryChannelLayer, get_channel_layer

from live.fanout.frames import Send, group_name

# Writes a text message (UTF-8) at once; False when the socket cannot take it now.
WriteNow = Callable[[bytes], bool]

logger = logging.getLogger(__name__)
T = TypeVar("T")
# A socket more than this many frames behind (about ten seconds at 10 updates per second) is closed
# and resyncs from a snapshot: cheaper than buffering for it, and it would show stale data anyway.
MAX_BACKLOG = 100
# Like HTTP 429: the client fell too far behind; it reconnects and gets a fresh snapshot.
LAGGING_CLOSE_CODE = 4429
# The in-memory layer forgets group members after a day (`group_expiry`); 24-hour races outlast
# that, so the subscription renews its membership well before.
GROUP_RENEW_SECONDS = 3600.0
RETRY_DELAYS = (0.5, 1.0, 2.0, 5.0)
# A process serving thousands of sockets holds hundreds of thousands of long-lived objects, and
# every frame allocates a little per socket: with CPython's default thresholds (700, 10, 10) the
# collector ran about 1,100 times in one benchmark run at 2,000 spectators, full collections
# pausing the loop for up to a second (bench/live_fanout.py on a loaded 2-core machine). Raised once
# per process when it first serves a live session; never lowered if someone set them higher.
GC_THRESHOLDS = (50_000, 20, 100)
# A socket waits this long for the process to join the session's group (Redis down: it gives up
# and the client retries with back-off).
SUBSCRIBE_TIMEOUT_SECONDS = 10.0
# The in-memory layer only reaches its own process; with it, the hub also looks in the database for
# deltas another process stored (see FanoutHub._poll_database). 0 turns that off.
DATABASE_POLL_SECONDS = 0.5


@dataclass
class HubStats:
    """Process-wide counters, for tests and for the logs."""

    frames_received: int = 0
    malformed_messages: int = 0
    lagging_sockets_closed: int = 0
    ignored_client_messages: int = 0
    subscription_errors: int = 0
    frames_polled: int = 0
    # Reads of the session's seq by the in-memory layer's database poll.
    database_polls: int = 0
    opening_reads: int = 0


class _Resume:
    """`await _Resume(coro, yielded)` finishes a coroutine that was started by hand (`coro.send`)
    and suspended on `yielded`: what a Task would have done had it started the coroutine.

    Lets `Outbox` call a socket's `send` synchronously inside the hub's fan-out loop, and pay for a
    task only for the rare socket whose send has to wait (a client reading slowly). Python 3.12's
    eager tasks do the same; this works on 3.11 too.
    """

    __slots__ = ("_coro", "_yielded")

    def __init__(self, coro: Coroutine[Any, Any, None], yielded: Any) -> None:
        self._coro = coro
        self._yielded = yielded

    def __await__(self) -> Generator[Any, Any, None]:
        coro, value = self._coro, self._yielded
        while True:
            try:
                sent = yield value
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:
                try:
                    value = coro.throw(exc)
                except StopIteration:
                    return
            else:
                try:
                    value = coro.send(sent)
                except StopIteration:
                    return


class Outbox:
    """One spectator socket's way out: written to at once while it keeps up, queued while it waits.

    The hub calls `deliver` for every local socket in one loop. A socket whose `send` completes
    without waiting (the server's transport took the bytes, the usual case) gets the frame right
    there, with no task switch: at 2,000 spectators a task wake-up per socket per frame cost more
    than the write itself (bench/live_fanout.py). When a send has to wait, the rest of it and every
    frame arriving meanwhile go through a writer task and a bounded queue; past `MAX_BACKLOG`
    frames the socket is dropped and told to resync, so one slow phone cannot stall the others.

    Until `start`, frames queue: the consumer is still sending the snapshot. Frames with `seq` at or
    below `sent_seq` are skipped: they are already contained in what the socket received first (its
    snapshot), or duplicates.
    """

    __slots__ = (
        "_on_lagging",
        "_pending",
        "_send",
        "_started",
        "_write_now",
        "_writer",
        "closed",
        "lagging",
        "sent_seq",
    )

    def __init__(
        self,
        send: Send,
        *,
        on_lagging: Callable[[Outbox], None],
        write_now: WriteNow | None = None,
    ) -> None:
        self._send = send
        # The server's way to write a text frame without a coroutine, when it has one
        # (config.uvicorn_ws): False when the socket cannot take it now, and `send` is used.
        self._write_now = write_now
        self._on_lagging = on_lagging
        # Created with the first frame that has to wait (before `start`, or while a send waits):
        # an empty deque costs about 600 bytes, and most sockets never need one.
        self._pending: deque[tuple[int, dict[str, Any]]] | None = None
        # Exists only while a send waits or the queue drains; None when the socket keeps up.
        self._writer: asyncio.Task[None] | None = None
        self._started = False
        self.sent_seq = -1
        self.lagging = False
        self.closed = False

    def deliver(self, seq: int, event: dict[str, Any], data: bytes | None = None) -> None:
        """Send or queue an event without waiting; called by the hub for every local socket.
        `data` is the event's text encoded to UTF-8, once for all the sockets."""
        if self.lagging or self.closed:
            return
        if self._writer is None and self._started:
            if seq > self.sent_seq:
                self.sent_seq = seq
                write_now = self._write_now
                if write_now is None or not write_now(
                    event["text"].encode() if data is None else data
                ):
                    self._send_now(event)
            return
        pending = self._pending
        if pending is None:
            pending = self._pending = deque()
        if len(pending) >= MAX_BACKLOG:
            self.lagging = True
            self._pending = None
            self._on_lagging(self)
            # The writer (or `start`) sends the close once the send it waits on is done.
            return
        pending.append((seq, event))

    def start(self, *, sent_seq: int) -> None:
        """Begin writing frames newer than `sent_seq` (what the socket already has)."""
        self.sent_seq = sent_seq
        self._started = True
        if self._pending or self.lagging:
            self._writer = asyncio.get_running_loop().create_task(self._drain(None))

    def _send_now(self, event: dict[str, Any]) -> None:
        coro = self._send(event)
        if not isinstance(coro, Coroutine):
            # A server whose send returns some other awaitable: no shortcut, a writer awaits it.
            self._writer = asyncio.get_running_loop().create_task(self._drain(coro))
            return
        try:
            yielded = coro.send(None)
        except StopIteration:
            return
        except Exception:
            # The client went away; its disconnect event ends the consumer.
            logger.debug("live socket write failed", exc_info=True)
            self.closed = True
            return
        self._writer = asyncio.get_running_loop().create_task(self._drain(_Resume(coro, yielded)))

    async def _drain(self, waiting: Awaitable[None] | None) -> None:
        try:
            if waiting is not None:
                await waiting
            while self._pending:
                seq, event = self._pending.popleft()
                if seq <= self.sent_seq:
                    continue
                self.sent_seq = seq
                await self._send(event)
            if self.lagging:
                self.closed = True
                await self._send({"type": "websocket.close", "code": LAGGING_CLOSE_CODE})
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.debug("live socket write failed", exc_info=True)
            self.closed = True
        finally:
            self._writer = None
            if not self._pending:
                self._pending = None

    async def aclose(self) -> None:
        self.closed = True
        self._pending = None
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer


@dataclass
class _Subscription:
    session_id: int
    members: set[Outbox] = field(default_factory=set)
    ready: asyncio.Future[None] | None = None
    task: asyncio.Task[None] | None = None
    # Highest seq handed to the sockets; a frame at or below it is a duplicate.
    last_seq: int = -1


class FanoutHub:
    """One channel-layer subscription per live session with local spectators, per process.

    The subscription lives while at least one local socket is subscribed: reference counting by
    membership, so it ends when the last local spectator leaves.
    """

    def __init__(self) -> None:
        self._subscriptions: dict[int, _Subscription] = {}
        # Opening reads by key: the one in flight, and the next one that later callers join.
        self._running_reads: dict[Hashable, asyncio.Future[Any]] = {}
        self._next_reads: dict[Hashable, asyncio.Future[Any]] = {}
        self.stats = HubStats()

    def subscription_count(self) -> int:
        return len(self._subscriptions)

    def member_count(self, session_id: int) -> int:
        subscription = self._subscriptions.get(session_id)
        return len(subscription.members) if subscription else 0

    async def subscribe(self, session_id: int, outbox: Outbox) -> None:
        """Add a socket; returns once this process is in the session's group, so that any frame
        published after a snapshot is read afterwards reaches the socket."""
        subscription = self._subscriptions.get(session_id)
        if subscription is None:
            loop = asyncio.get_running_loop()
            subscription = _Subscription(session_id=session_id, ready=loop.create_future())
            self._subscriptions[session_id] = subscription
            subscription.task = loop.create_task(self._run(subscription))
        subscription.members.add(outbox)
        assert subscription.ready is not None
        try:
            await asyncio.wait_for(asyncio.shield(subscription.ready), SUBSCRIBE_TIMEOUT_SECONDS)
        except BaseException:
            await self.unsubscribe(session_id, outbox)
            raise

    async def unsubscribe(self, session_id: int, outbox: Outbox) -> None:
        subscription = self._subscriptions.get(session_id)
        if subscription is None:
            return
        subscription.members.discard(outbox)
        if subscription.members:
            return
        # Removed before awaiting: a spectator arriving meanwhile starts a fresh subscription
        # instead of joining one that is shutting down.
        del self._subscriptions[session_id]
        assert subscription.task is not None
        subscription.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await subscription.task

    async def read_once(self, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
        """`await read()`, shared by the callers that arrive while the read of the same `key` before
        theirs is in flight: they all get the one read that starts after the last of them arrived.

        A socket calls this after it subscribed, so the read it gets started after that, as the
        protocol requires. When a thousand spectators open the board at once (the start of a
        race), they cost a couple of snapshot reads instead of a thousand queued on the database
        thread while the frames they wait for pile up.
        """
        waiting = self._next_reads.get(key)
        if waiting is not None:
            return cast(T, await asyncio.shield(waiting))
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._next_reads[key] = future
        try:
            running = self._running_reads.get(key)
            if running is not None:
                await asyncio.wait([running])
        except BaseException as exc:
            _fail(future, exc)
            raise
        finally:
            if self._next_reads.get(key) is future:
                del self._next_reads[key]
        self._running_reads[key] = future
        try:
            self.stats.opening_reads += 1
            result = await read()
        except BaseException as exc:
            _fail(future, exc)
            raise
        else:
            future.set_result(result)
            return result
        finally:
            if self._running_reads.get(key) is future:
                del self._running_reads[key]

    def drop(self, session_id: int, outbox: Outbox) -> None:
        """Stop feeding a lagging socket at once; its consumer unsubscribes when it disconnects."""
        subscription = self._subscriptions.get(session_id)
        if subscription is not None:
            subscription.members.discard(outbox)
        self.stats.lagging_sockets_closed += 1
        logger.info("live session %s: closing a spectator socket that fell behind", session_id)

    async def _run(self, subscription: _Subscription) -> None:
        layer = get_channel_layer()
        if layer is None:
            raise RuntimeError("live fan-out needs a channel layer (CHANNEL_LAYERS)")
        group = group_name(subscription.session_id)
        attempt = 0
        while True:
            channel: str | None = None
            renewer: asyncio.Task[None] | None = None
            poller: asyncio.Task[None] | None = None
            try:
                channel = await layer.new_channel("live.hub.")
                await layer.group_add(group, channel)
                renewer = asyncio.get_running_loop().create_task(
                    self._renew_membership(layer, group, channel)
                )
                if isinstance(layer, InMemoryChannelLayer) and DATABASE_POLL_SECONDS:
                    poller = asyncio.get_running_loop().create_task(
                        self._poll_database(subscription)
                    )
                assert subscription.ready is not None
                if not subscription.ready.done():
                    subscription.ready.set_result(None)
                attempt = 0
                await self._receive_loop(layer, group, channel, subscription)
            except asyncio.CancelledError:
                raise
            except Exception:
                # A broken layer connection: frames were lost, and spectators will see the gap in
                # `seq` on the next frame and resync. Subscribe again, with back-off.
                self.stats.subscription_errors += 1
                logger.exception("live fan-out subscription for %s failed; retrying", group)
                await asyncio.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)])
                attempt += 1
            finally:
                for helper in (renewer, poller):
                    if helper is not None:
                        helper.cancel()
                if channel is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.shield(layer.group_discard(group, channel))

    @staticmethod
    async def _renew_membership(layer: Any, group: str, channel: str) -> None:
        # Separate from the receive loop on purpose: the Redis pub/sub layer drops a channel whose
        # receive() is cancelled, so the receive must never be wrapped in a timeout.
        while True:
            await asyncio.sleep(GROUP_RENEW_SECONDS)
            await layer.group_add(group, channel)

    async def _receive_loop(
        self, layer: Any, group: str, channel: str, subscription: _Subscription
    ) -> None:
        stats = self.stats
        while True:
            message = await layer.receive(channel)
            text = message.get("text")
            seq = message.get("seq")
            if not isinstance(text, str) or not isinstance(seq, int):
                stats.malformed_messages += 1
                logger.warning("ignoring malformed live frame on %s", group)
                continue
            stats.frames_received += 1
            self._fan_out(subscription, seq, text)

    @staticmethod
    def _fan_out(subscription: _Subscription, seq: int, text: str) -> None:
        if seq <= subscription.last_seq:
            return
        subscription.last_seq = seq
        # One dict and one UTF-8 encoding for every socket: the frame was encoded once by `publish`.
        event = {"type": "websocket.send", "text": text}
        data = text.encode()
        for outbox in tuple(subscription.members):
            outbox.deliver(seq, event, data)

    async def _poll_database(self, subscription: _Subscription) -> None:
        """In-memory layer only: pick up deltas written by another process (the demo simulator,
        an ingest command), which that layer cannot carry. The stored deltas are the same frames
        `publish` would have sent, so sockets cannot tell the difference but for the delay."""
        from channels.db import database_sync_to_async

        from live.queries.board import current_seq, delta_frames_after

        read_seq = database_sync_to_async(current_seq)
        read_frames = database_sync_to_async(delta_frames_after)
        floor = await read_seq(session_id=subscription.session_id)
        self.stats.database_polls += 1
        seen = subscription.last_seq
        while True:
            await asyncio.sleep(DATABASE_POLL_SECONDS)
            if subscription.last_seq != seen:
                # Frames came through the layer since the last look: this process publishes the
                # session itself, so the read would find nothing new. Should another process store
                # deltas as well, the sockets see the gap in `seq` and resync.
                seen = subscription.last_seq
                continue
            self.stats.database_polls += 1
            seq = await read_seq(session_id=subscription.session_id)
            after = max(floor, subscription.last_seq)
            if seq is not None and seq > after:
                for frame_seq, text in await read_frames(
                    session_id=subscription.session_id, after=after, upto=seq
                ):
                    self.stats.frames_polled += 1
                    self._fan_out(subscription, frame_seq, text)
                floor = seq


def _fail(future: asyncio.Future[Any], exc: BaseException) -> None:
    """Hand a failed shared read's exception to the callers that joined it."""
    if isinstance(exc, asyncio.CancelledError):
        future.cancel()
        return
    future.set_exception(exc)
    future.exception()  # marked as retrieved: no "never retrieved" log when nobody joined


_hubs: dict[asyncio.AbstractEventLoop, FanoutHub] = {}


def _raise_gc_thresholds() -> None:
    current = gc.get_threshold()
    wanted = tuple(max(a, b) for a, b in zip(current, GC_THRESHOLDS, strict=False))
    if wanted != current:
        gc.set_threshold(*wanted)


def get_hub() -> FanoutHub:
    """The hub of the running event loop (one per server process in production; tests get a fresh
    one per test loop)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        _raise_gc_thresholds()
        for stale in [known for known in _hubs if known.is_closed()]:
            del _hubs[stale]
        hub = _hubs[loop] = FanoutHub()
    return hub
