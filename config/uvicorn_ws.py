"""uvicorn's `websockets-sansio` WebSocket protocol, holding less per open socket.

Production and `make demo` run uvicorn with `--ws config.uvicorn_ws:WebSocketProtocol`. A server
process holds thousands of live-timing sockets that mostly wait; per socket, uvicorn's own protocol
keeps an `asyncio.Queue` for the client's messages (three deques, about 2.3 KB, for what is at most
a message or two), an `asyncio.Event` for write flow control (another deque), and the handshake's
request and response with their headers long after the handshake. Measured with tracemalloc in one
process (bench/live_fanout.py's clients, 1,000 then 2,000 sockets): about 19 KB per socket for the
stock protocol under an ASGI application that only awaits `receive`, against 14 KB for a whole
plain `websockets` server connection (docs/live-fanout.md, "Serving").

This subclass changes only what it keeps, not what it does: the same frames, close codes, pings,
flow control and ASGI events in the same order. The queue and the flag below implement exactly
the part of `asyncio.Queue` and `asyncio.Event` that the protocol uses.

It also offers the application one ASGI extension, `SEND_TEXT_NOWAIT` in `scope["extensions"]`: a
function that writes a text message (UTF-8 bytes) at once when the socket can take it and returns
False otherwise, so the caller falls back to the ASGI `send`. The live-timing hub hands the same
frame to thousands of sockets; through `send` each costs two coroutines and its own encoding and
framing, while without compression the frame's bytes on the wire are the same for every socket
and are made once here (docs/live-fanout.md, "Serving").
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.protocol import State

from live.fanout.frames import SEND_TEXT_NOWAIT

# The last text frame serialised for the wire: (payload, frame). A broadcast passes the same
# payload object to every socket, so it is framed once.
_last_frame: tuple[bytes, bytes] = (b"", b"")


def unmasked_text_frame(data: bytes) -> bytes:
    """A server's text frame (never masked, no extension) carrying `data`."""
    global _last_frame
    payload, frame = _last_frame
    if payload is not data:
        frame = Frame(Opcode.TEXT, data).serialize(mask=False)
        _last_frame = (data, frame)
    return frame


class ReceiveQueue:
    """The client's ASGI events (`websocket.connect`, `.receive`, `.disconnect`) for `receive()`.

    uvicorn pauses reading after each client message until the application has taken it, so this
    holds one or two events at a time; a list does, with one future while `receive()` waits.
    `receive()` is awaited by one coroutine at a time (ASGI applications read their messages in
    order); a second concurrent `get` is an error rather than a silent reordering.
    """

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)

    async def get(self) -> Any:
        while not self._items:
            if self._waiter is not None:
                raise RuntimeError("receive() is already awaited on this socket")
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                self._waiter = None
        return self._items.pop(0)


class WritableFlag:
    """Whether the transport takes more bytes (set) or its buffer is over the high-water mark.

    `asyncio.Event`'s behaviour for set/clear/is_set/wait, with the list of waiters made only while
    a send waits on a slow client.
    """

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = False
        self._waiters: list[asyncio.Future[bool]] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        if self._set:
            return
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(True)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> bool:
        if self._set:
            return True
        waiter: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        try:
            return await waiter
        finally:
            if self._waiters is not None and waiter in self._waiters:
                self._waiters.remove(waiter)


class WebSocketProtocol(WebSocketsSansIOProtocol):
    """`--ws websockets-sansio` with a lighter queue and flag, and the handshake's request and
    response let go once it is answered."""

    # Every attribute the parent class sets, as slots: with about forty of them its instance dict
    # outgrows CPython's shared-key dicts and costs 1.5 KB per socket; slots cost 8 bytes each.
    # (A parent's attribute missing here still works: it lands in the instance dict.)
    __slots__ = (
        "app", "app_state", "asgi_version", "client", "close_sent", "close_timeout", "close_timer",
        "config", "conn", "connections", "curr_msg_data_type", "default_headers", "disconnected",
        "frames", "handshake_complete", "handshake_initiated", "initial_response", "last_ping_rtt",
        "logger", "loop", "pending_ping_payload", "ping_interval", "ping_sent_at", "ping_timeout",
        "ping_timer", "pong_timer", "queue", "read_paused", "request", "response", "root_path",
        "scheme", "scope", "server", "tasks", "transport", "writable",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = ReceiveQueue()  # type: ignore[assignment]
        self.writable = WritableFlag()  # type: ignore[assignment]
        self.writable.set()

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:
            scope["extensions"][SEND_TEXT_NOWAIT] = self.send_text_nowait

    def send_text_nowait(self, data: bytes) -> bool:
        """Write a text message now if the socket is open and its transport takes more bytes;
        False (nothing written) otherwise: then the ASGI `send` waits, or raises, as it should."""
        conn = self.conn
        if (
            self.close_sent
            or self.disconnected
            or not self.handshake_complete
            or self.initial_response is not None
            or not self.writable.is_set()
            or conn.state is not State.OPEN
            or conn.expect_continuation_frame
            or self.transport.is_closing()
        ):
            return False
        if conn.extensions or conn.writes:
            # permessage-deflate compresses with this socket's own context.
            conn.send_text(data)
            self.transport.write(b"".join(conn.data_to_send()))
        else:
            self.transport.write(unmasked_text_frame(data))
        return True

    def start_keepalive(self) -> None:
        # Called once the handshake's 101 response is written: neither the request nor the
        # response is read again (the scope has what the application needs).
        self.request = self.response = None  # type: ignore[assignment]
        super().start_keepalive()
