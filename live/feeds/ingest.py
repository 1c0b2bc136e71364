"""Running a live timing feed into a live session: the TCP client with back-off and keep-alive.

Not pure (it calls services and does I/O); the parsers it drives are.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

from asgiref.sync import sync_to_async
from django.db import DatabaseError, connection

from live.exceptions import SessionFinished
from live.feeds.adapters.rmonitor import DEFAULT_ENCODING
from live.feeds.decoder import Decoder
from live.feeds.replay import session_encoding
from live.services.timing import apply_timing_events_skipping_failures

logger = logging.getLogger(__name__)


def _session_encoding_or_default(session_id: int) -> str:
    # The database may be restarting when the ingest reconnects: read the feed with the default
    # encoding rather than end the ingest; the next reconnect reads the session's again.
    try:
        return session_encoding(session_id)
    except DatabaseError:
        logger.exception("live session %s: feed encoding not readable", session_id)
        connection.close_if_unusable_or_obsolete()
        return DEFAULT_ENCODING


# ---------------------------------------------------------------------------------------------
# TCP ingest


@dataclass
class IngestStats:
    connections: int = 0
    failures: int = 0
    # Connections closed because the timing system sent nothing for the idle timeout.
    idle_timeouts: int = 0
    # Connects given up because the host did not answer within the connect timeout.
    connect_timeouts: int = 0
    bytes: int = 0
    changes: int = 0
    rejected: int = 0
    # Timing events whose change the database refused: rolled back, logged, skipped.
    failed: int = 0
    finished: bool = False
    delays: list[float] = field(default_factory=list)


BACKOFF_INITIAL_S = 0.5
BACKOFF_MAX_S = 30.0
# No bytes for this long means the connection is dead even if TCP has not noticed (timing PC
# rebooted, Wi-Fi or NAT dropped: a half-open connection never reads EOF). RMonitor sends `$F`
# every second, so 30 s is 30 missed heartbeats. A P3 decoder sends a STATUS record every few
# seconds but nothing else while no car crosses; 60 s leaves room for a quiet decoder without
# leaving the board frozen for minutes.
IDLE_TIMEOUT_S = {"rmonitor": 30.0, "p3": 60.0}
# A dead or blackholed host would otherwise hold the kernel's connect for minutes.
CONNECT_TIMEOUT_S = 10.0
# TCP keepalive: first probe after this much silence, then every KEEPALIVE_INTERVAL_S, give up
# after KEEPALIVE_PROBES unanswered probes. A second line of defence behind the idle timeout.
KEEPALIVE_IDLE_S = 10
KEEPALIVE_INTERVAL_S = 5
KEEPALIVE_PROBES = 3


def backoff_delays(
    initial: float = BACKOFF_INITIAL_S, maximum: float = BACKOFF_MAX_S
) -> Iterator[float]:
    delay = initial
    while True:
        yield delay
        delay = min(delay * 2, maximum)


def enable_keepalive(sock: socket.socket) -> None:
    """Turn on TCP keepalive, with short probe timings where the platform lets us set them."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for name, value in (
        ("TCP_KEEPIDLE", KEEPALIVE_IDLE_S),
        ("TCP_KEEPINTVL", KEEPALIVE_INTERVAL_S),
        ("TCP_KEEPCNT", KEEPALIVE_PROBES),
    ):
        option = getattr(socket, name, None)
        if option is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, option, value)


async def ingest(
    *,
    session_id: int,
    host: str,
    port: int,
    format: str,
    stop: asyncio.Event | None = None,
    max_connections: int | None = None,
    initial_backoff_s: float = BACKOFF_INITIAL_S,
    max_backoff_s: float = BACKOFF_MAX_S,
    read_size: int = 65536,
    encoding: str | None = None,
    idle_timeout_s: float | None = None,
    connect_timeout_s: float = CONNECT_TIMEOUT_S,
) -> IngestStats:
    """Read a timing system over TCP into a live session until `stop` is set.

    Reconnects after a refused or dropped connection with exponential back-off, reset once a
    connection delivers data. A connection that delivers no bytes for `idle_timeout_s` (default
    by format, `IDLE_TIMEOUT_S`) is closed and reopened the same way, and so is a connect that
    does not complete within `connect_timeout_s`. Each socket read is applied as one change.
    RMonitor text is decoded with `encoding`; without one, with the live session's feed encoding,
    read again at each connection so that staff changing it on the Live timing page take effect
    at the next reconnect. The parser is kept across reconnects only for its counters; a partial
    line from a dropped connection is lost.
    """
    stop = stop or asyncio.Event()
    if idle_timeout_s is None:
        idle_timeout_s = IDLE_TIMEOUT_S[format]
    if idle_timeout_s <= 0 or connect_timeout_s <= 0:
        raise ValueError("timeouts must be more than 0")
    stored_encoding = sync_to_async(_session_encoding_or_default, thread_sensitive=True)
    stats = IngestStats()
    delays = backoff_delays(initial_backoff_s, max_backoff_s)
    apply_batch = sync_to_async(apply_timing_events_skipping_failures, thread_sensitive=True)
    while not stop.is_set():
        if max_connections is not None and stats.connections >= max_connections:
            break
        decoder = Decoder(format, encoding=encoding or await stored_encoding(session_id))
        try:
            stats.connections += 1
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port), timeout=connect_timeout_s
            )
        except TimeoutError:
            stats.failures += 1
            stats.connect_timeouts += 1
            logger.warning(
                "timing feed %s:%s did not answer within %s s", host, port, connect_timeout_s
            )
        except OSError as exc:
            stats.failures += 1
            logger.warning("timing feed %s:%s unreachable: %s", host, port, exc)
        else:
            logger.info("connected to timing feed %s:%s", host, port)
            sock = writer.get_extra_info("socket")
            if sock is not None:
                enable_keepalive(sock)
            received = False
            try:
                while not stop.is_set():
                    read = asyncio.ensure_future(reader.read(read_size))
                    stopped = asyncio.ensure_future(stop.wait())
                    done, _ = await asyncio.wait(
                        {read, stopped},
                        timeout=idle_timeout_s,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                    if read not in done:
                        read.cancel()
                        stopped.cancel()
                        if not done:
                            stats.idle_timeouts += 1
                            logger.warning(
                                "timing feed %s:%s sent nothing for %s s; reconnecting",
                                host,
                                port,
                                idle_timeout_s,
                            )
                        break
                    stopped.cancel()
                    data = read.result()
                    if not data:
                        break
                    if not received:
                        received = True
                        delays = backoff_delays(initial_backoff_s, max_backoff_s)
                    stats.bytes += len(data)
                    events, rejected = decoder.feed(data)
                    stats.rejected += rejected
                    applied = await apply_batch(
                        session_id=session_id,
                        events=events,
                        raw=data,
                        raw_format=format,
                        rejected=rejected,
                    )
                    stats.changes += applied.seq is not None
                    stats.failed += applied.failed
            except OSError as exc:
                stats.failures += 1
                logger.warning("timing feed %s:%s dropped: %s", host, port, exc)
            except SessionFinished:
                # Staff closed the session: its standings are final, the feed is no longer wanted.
                logger.info("live session %s finished; stopping ingest", session_id)
                stats.finished = True
                stop.set()
            finally:
                lost = decoder.drop_partial()
                if lost and not stats.finished:
                    stats.rejected += lost
                    with contextlib.suppress(SessionFinished):
                        await apply_batch(session_id=session_id, events=[], rejected=lost)
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()
        if stop.is_set():
            break
        delay = next(delays)
        stats.delays.append(delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)
    return stats
