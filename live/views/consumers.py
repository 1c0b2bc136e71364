"""The spectator socket: /ws/live/sessions/<id>/[?since=<seq>].

Protocol (docs/timing.md, section 6): subscribe first, then read and send the snapshot (or the stored
deltas after `since`), then the deltas in `seq` order as the hub hands them over. The client
applies them in order and reconnects for a fresh snapshot when it sees a gap or a close.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from live.fanout.hub import FanoutHub, Outbox, get_hub
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


class LiveSessionConsumer(AsyncWebsocketConsumer):
    # No channel-layer channel per socket: the hub holds this process's only subscription for the
    # session. With Redis pub/sub a per-socket channel would be one more Redis subscription per
    # spectator. An alias that is not configured makes Channels skip it (get_channel_layer -> None).
    channel_layer_alias = "live-sockets-use-the-fanout-hub"

    session_id: int
    ignored_messages = 0
    outbox: Outbox | None = None
    hub: FanoutHub | None = None
    # Set once this socket is counted against its client address, so it is released once.
    counted_address: str | None = None

    async def connect(self) -> None:
        session_id = parse_session_id(self.scope["url_route"]["kwargs"]["session_id"])
        since = parse_since(self.scope.get("query_string", b""))
        # Accept before anything else: a close code only reaches the client on an open socket.
        await self.accept()
        address = client_address(self.scope)
        if not take_socket_slot(address):
            logger.info("live socket refused: %s holds its share of sockets", address)
            await self.close(code=TOO_MANY_SOCKETS_CLOSE_CODE)
            return
        self.counted_address = address
        if session_id is None:
            await self.close(code=UNKNOWN_SESSION_CLOSE_CODE)
            return
        self.session_id = session_id
        try:
            opening = await self._subscribe_then_read(since)
        except TimeoutError:
            # The channel layer is unreachable: better no board than a silently frozen one.
            await self._leave()
            await self.close(code=TRY_AGAIN_LATER_CLOSE_CODE)
            return
        except BaseException:
            await self._leave()
            raise
        if opening is None:
            await self._leave()
            await self.close(code=UNKNOWN_SESSION_CLOSE_CODE)
            return

    async def _subscribe_then_read(self, since: int | None) -> tuple[int, list[str]] | None:
        hub = get_hub()
        outbox = Outbox(self.base_send, on_lagging=self._lagging)
        self.hub, self.outbox = hub, outbox
        await hub.subscribe(self.session_id, outbox)
        opening = await database_sync_to_async(opening_frames)(
            session_id=self.session_id, since=since
        )
        if opening is not None:
            seq, frames = opening
            for frame in frames:
                await self.send(text_data=frame)
            outbox.start(sent_seq=seq)
        return opening

    def _lagging(self, outbox: Outbox) -> None:
        if self.hub is not None:
            self.hub.drop(self.session_id, outbox)

    async def dispatch(self, message: dict[str, Any]) -> None:
        if message["type"] == "websocket.receive":
            # Spectators have nothing to say: anything they send is counted and dropped here,
            # before Channels' per-message database-connection housekeeping (a thread hop).
            get_hub().stats.ignored_client_messages += 1
            self.ignored_messages += 1
            if self.ignored_messages == 1:
                logger.info("live session socket: ignoring messages from a spectator")
            return
        await super().dispatch(message)

    async def disconnect(self, code: int) -> None:
        await self._leave()

    async def _leave(self) -> None:
        address, self.counted_address = self.counted_address, None
        release_socket_slot(address)
        hub, outbox = self.hub, self.outbox
        self.hub = self.outbox = None
        if outbox is not None:
            await outbox.aclose()
        if hub is not None and outbox is not None:
            await hub.unsubscribe(self.session_id, outbox)
