"""The spectator socket: /ws/live/sessions/<id>/[?since=<seq>].

Protocol (docs/timing.md, section 6): subscribe first, then read and send the snapshot (or the stored
deltas after `since`), then the deltas in `seq` order as the hub hands them over. The client
applies them in order and reconnects for a fresh snapshot when it sees a gap or a close.

A plain ASGI application rather than a Channels consumer, still routed by Channels' URLRouter
behind the origin check (config/asgi.py): a process holds thousands of these sockets, and a
consumer costs per socket a second task (`await_many_dispatch` wraps every `receive` in one), the
waits around it and an instance dict, about 8 KB more per socket than this coroutine that awaits
`receive` itself while the hub writes frames straight through the server's `send`
(docs/live-fanout.md, "Serving").
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.conf import settings

from live.fanout.frames import SEND_TEXT_NOWAIT, Send
from live.fanout.hub import FanoutHub, Outbox, WriteNow, get_hub
from live.queries.board import opening_frames

logger = logging.getLogger(__name__)

UNKNOWN_SESSION_CLOSE_CODE = 4404
TRY_AGAIN_LATER_CLOSE_CODE = 1013
# The client address already holds LIVE_MAX_SOCKETS_PER_CLIENT sockets in this process. Not a
# 4429 (that one asks for an immediate reconnect): the board waits a minute before trying again.
TOO_MANY_SOCKETS_CLOSE_CODE = 4430
MAX_ID = 2**63 - 1

# Open live sockets per client address in this server process. One event loop serves them all,
# so a plain dict needs no lock.
_sockets_per_client: dict[str, int] = {}


def client_address(scope: dict[str, Any]) -> str | None:
    """The address the server saw, or the one the reverse proxy vouched for: uvicorn run with
    `--proxy-headers` puts the X-Forwarded-For client of a trusted proxy in `scope["client"]`."""
    client = scope.get("client")
    if not client:
        return None
    return str(client[0])


def take_socket_slot(address: str | None) -> bool:
    """Count a new socket for `address`; False (and not counted) when it has its share."""
    if address is None:
        # No address (a server on a Unix socket without proxy headers): nothing to count by.
        return True
    limit = settings.LIVE_MAX_SOCKETS_PER_CLIENT
    held = _sockets_per_client.get(address, 0)
    if limit and held >= limit:
        return False
    _sockets_per_client[address] = held + 1
    return True


def release_socket_slot(address: str | None) -> None:
    if address is None:
        return
    held = _sockets_per_client.get(address, 0) - 1
    if held > 0:
        _sockets_per_client[address] = held
    else:
        _sockets_per_client.pop(address, None)


def parse_session_id(raw: str) -> int | None:
    if not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


def parse_since(query_string: bytes) -> int | None:
    values = parse_qs(query_string.decode("latin-1")).get("since")
    if not values:
        return None
    try:
        since = int(values[-1])
    except ValueError:
        return None
    return since if 0 <= since <= MAX_ID else None


Receive = Callable[[], Awaitable[dict[str, Any]]]


class _Spectator:
    """What one live socket keeps while it is open (its session, its outbox, what it counted)."""

    __slots__ = ("address", "hub", "ignored_messages", "outbox", "session_id")

    def __init__(self, session_id: int) -> None:
        self.session_id = session_id
        self.hub: FanoutHub | None = None
        self.outbox: Outbox | None = None
        # Set once this socket is counted against its client address, so it is released once.
        self.address: str | None = None
        self.ignored_messages = 0

    def lagging(self, outbox: Outbox) -> None:
        if self.hub is not None:
            self.hub.drop(self.session_id, outbox)

    async def leave(self) -> None:
        address, self.address = self.address, None
        release_socket_slot(address)
        hub, outbox = self.hub, self.outbox
        self.hub = self.outbox = None
        if outbox is not None:
            await outbox.aclose()
        if hub is not None and outbox is not None:
            await hub.unsubscribe(self.session_id, outbox)

    def ignore(self) -> None:
        # Spectators have nothing to say: anything they send is counted and dropped.
        get_hub().stats.ignored_client_messages += 1
        self.ignored_messages += 1
        if self.ignored_messages == 1:
            logger.info("live session socket: ignoring messages from a spectator")


async def live_session_socket(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    """ASGI application of one spectator socket (scope["type"] == "websocket", routed by
    URLRouter, which puts the session id in scope["url_route"])."""
    if (await receive())["type"] != "websocket.connect":
        return
    session_id = parse_session_id(scope["url_route"]["kwargs"]["session_id"])
    since = parse_since(scope.get("query_string", b""))
    address = client_address(scope)
    write_now = scope.get("extensions", {}).get(SEND_TEXT_NOWAIT)
    # Nothing below needs the scope; the routers above still hold it, this frame need not.
    del scope
    # Accept before anything else: a close code only reaches the client on an open socket.
    await send({"type": "websocket.accept"})
    if not take_socket_slot(address):
        logger.info("live socket refused: %s holds its share of sockets", address)
        await send({"type": "websocket.close", "code": TOO_MANY_SOCKETS_CLOSE_CODE})
        return
    if session_id is None:
        release_socket_slot(address)
        await send({"type": "websocket.close", "code": UNKNOWN_SESSION_CLOSE_CODE})
        return
    spectator = _Spectator(session_id)
    spectator.address = address
    try:
        try:
            known = await _subscribe_then_send_opening(spectator, since, send, write_now)
        except TimeoutError:
            # The channel layer is unreachable: better no board than a silently frozen one.
            await spectator.leave()
            await send({"type": "websocket.close", "code": TRY_AGAIN_LATER_CLOSE_CODE})
            return
        if not known:
            await spectator.leave()
            await send({"type": "websocket.close", "code": UNKNOWN_SESSION_CLOSE_CODE})
            return
        while True:
            kind = (await receive())["type"]
            if kind == "websocket.disconnect":
                return
            if kind == "websocket.receive":
                spectator.ignore()
    finally:
        await spectator.leave()


async def _subscribe_then_send_opening(
    spectator: _Spectator, since: int | None, send: Send, write_now: WriteNow | None
) -> bool:
    """Join the session's fan-out, then send the snapshot (or the deltas after `since`) and start
    the outbox after it; False for an unknown session."""
    hub = get_hub()
    outbox = Outbox(send, on_lagging=spectator.lagging, write_now=write_now)
    spectator.hub, spectator.outbox = hub, outbox
    session_id = spectator.session_id
    await hub.subscribe(session_id, outbox)
    opening = await hub.read_once(
        ("opening", session_id, since),
        partial(database_sync_to_async(opening_frames), session_id=session_id, since=since),
    )
    if opening is None:
        return False
    seq, frames = opening
    for frame in frames:
        await send({"type": "websocket.send", "text": frame})
    outbox.start(sent_seq=seq)
    return True
