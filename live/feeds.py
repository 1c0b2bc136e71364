"""Running a timing feed into a live session: decoding by format, file replay, TCP ingest.

Not pure (it calls services and does I/O); the parsers it drives are.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from asgiref.sync import sync_to_async
from django.db import DatabaseError, connection

from live.adapters.p3 import P3Parser, looks_like_hex_lines
from live.adapters.rmonitor import DEFAULT_ENCODING, RMonitorParser
from live.exceptions import SessionFinished
from live.models import LiveSession
from live.services import apply_timing_events_skipping_failures
from live.timing import TimingEvent, TransponderPassing

logger = logging.getLogger(__name__)

FORMATS = ("rmonitor", "p3")
# Records applied per transaction when replaying as fast as possible. Each batch is one change
# (one seq, one delta): a spectator of a fast replay sees the board jump a few hundred records at
# a time, which is what "as fast as possible" means, and Sebring's 28,000 lines take seconds.
REPLAY_BATCH_RECORDS = 500


@dataclass
class Decoder:
    """One format's stream parser, reporting how many records each chunk rejected."""

    format: str
    # Text encoding of RMonitor records (live.adapters.rmonitor.ENCODINGS); P3 is binary.
    encoding: str = DEFAULT_ENCODING
    parser: RMonitorParser | P3Parser = field(init=False)
    _seen_rejected: int = 0

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"unknown format {self.format!r}")
        self.parser = (
            RMonitorParser(encoding=self.encoding) if self.format == "rmonitor" else P3Parser()
        )

    def feed(self, data: bytes) -> tuple[list[TimingEvent], int]:
        return self._counted(self.parser.feed(data))

    def feed_hex_line(self, line: bytes) -> tuple[list[TimingEvent], int]:
        assert isinstance(self.parser, P3Parser)
        return self._counted(self.parser.feed_hex_line(line))

    def finish(self) -> tuple[list[TimingEvent], int]:
        return self._counted(self.parser.finish())

    def drop_partial(self) -> int:
        """The connection broke: a half-received record is counted, never parsed (a cut-off
        `$J` total time would still parse, as the wrong time)."""
        self.parser.abandon()
        return self._counted([])[1]

    def _counted(self, events: list[TimingEvent]) -> tuple[list[TimingEvent], int]:
        rejected = self.parser.rejected - self._seen_rejected
        self._seen_rejected = self.parser.rejected
        for message in self.parser.errors:
            logger.warning("bad %s record: %s", self.format, message)
        self.parser.errors.clear()
        return events, rejected


@dataclass
class Step:
    """What one replay step applies: events, the raw bytes they came from, and a pause before."""

    events: list[TimingEvent]
    raw: bytes
    rejected: int
    wait_s: float = 0.0


class FeedMismatch(ValueError):
    """A replay asked to resume found a stored feed that is not the start of its capture."""


@dataclass
class ReplayStats:
    steps: int = 0
    skipped: int = 0
    changes: int = 0
    events: int = 0
    rejected: int = 0
    # Timing events the database refused, skipped so the rest of the capture still applies.
    failed: int = 0
    last_seq: int | None = None


def session_encoding(session_id: int) -> str:
    """The feed text encoding stored on a live session ("auto" for an unknown id)."""
    value = (
        LiveSession.objects.filter(pk=session_id).values_list("feed_encoding", flat=True).first()
    )
    return value or DEFAULT_ENCODING


def _session_encoding_or_default(session_id: int) -> str:
    # The database may be restarting when the ingest reconnects: read the feed with the default
    # encoding rather than end the ingest; the next reconnect reads the session's again.
    try:
        return session_encoding(session_id)
    except DatabaseError:
        logger.exception("live session %s: feed encoding not readable", session_id)
        connection.close_if_unusable_or_obsolete()
        return DEFAULT_ENCODING


def rmonitor_steps(
    data: bytes, *, realtime: bool, encoding: str = DEFAULT_ENCODING
) -> Iterator[Step]:
    """At speed 0, fixed batches of lines; otherwise one step per second of feed, cut at each
    `$F` heartbeat (the only clock an RMonitor stream has)."""
    decoder = Decoder("rmonitor", encoding=encoding)
    lines = data.splitlines(keepends=True)
    batch: list[bytes] = []
    for line in lines:
        batch.append(line)
        boundary = line.startswith(b"$F") if realtime else len(batch) >= REPLAY_BATCH_RECORDS
        if boundary:
            raw = b"".join(batch)
            events, rejected = decoder.feed(raw)
            yield Step(events, raw, rejected, wait_s=1.0 if realtime else 0.0)
            batch = []
    raw = b"".join(batch)
    events, rejected = decoder.feed(raw)
    tail, tail_rejected = decoder.finish()
    yield Step(events + tail, raw, rejected + tail_rejected)


def p3_steps(data: bytes, *, realtime: bool) -> Iterator[Step]:
    """P3 passings carry the decoder's clock: at a real speed, wait the time between passings."""
    decoder = Decoder("p3")
    if looks_like_hex_lines(data):
        # Stored as the bytes a decoder would have sent, not as the capture's hex text.
        units: list[tuple[list[TimingEvent], bytes, int]] = []
        for line in data.splitlines():
            events, rejected = decoder.feed_hex_line(line)
            raw = _hex_bytes(line) if not rejected else b""
            units.append((events, raw, rejected))
    else:
        events, rejected = decoder.feed(data)
        tail, tail_rejected = decoder.finish()
        units = [([event], b"", 0) for event in events + tail]
        units.append(([], data, rejected + tail_rejected))
    if not realtime:
        for start in range(0, len(units), REPLAY_BATCH_RECORDS):
            chunk = units[start : start + REPLAY_BATCH_RECORDS]
            yield Step(
                [e for unit in chunk for e in unit[0]],
                b"".join(unit[1] for unit in chunk),
                sum(unit[2] for unit in chunk),
            )
        return
    last_us: int | None = None
    for events, raw, rejected in units:
        wait = 0.0
        passing = next((e for e in events if isinstance(e, TransponderPassing)), None)
        if passing is not None:
            if last_us is not None and passing.time_us > last_us:
                wait = (passing.time_us - last_us) / 1_000_000
            last_us = passing.time_us
        yield Step(events, raw, rejected, wait_s=wait)


def _hex_bytes(line: bytes) -> bytes:
    try:
        return bytes.fromhex(line.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        return b""


def replay(
    *,
    session_id: int,
    data: bytes,
    format: str,
    speed: float = 0.0,
    sleep: Callable[[float], None] = time.sleep,
    already_received: bytes = b"",
    encoding: str | None = None,
) -> ReplayStats:
    """Replay a capture into a live session. `speed` 1 is real time, 10 ten times faster, 0 as
    fast as possible.

    `already_received` is the raw feed the session stored from an earlier run of this capture
    that was interrupted: the steps it covers are skipped, so a restarted replay goes on where
    the last committed step left off instead of storing the feed a second time. Each step is one
    transaction, so an interrupted run always stopped at a step boundary.

    RMonitor text is decoded with `encoding`, by default the live session's feed encoding, so a
    stored feed replays as it was read live.
    """
    if speed < 0:
        raise ValueError("speed must be 0 or more")
    if encoding is None:
        encoding = session_encoding(session_id)
    realtime = speed > 0
    steps = (
        rmonitor_steps(data, realtime=realtime, encoding=encoding)
        if format == "rmonitor"
        else p3_steps(data, realtime=realtime)
    )
    stats = ReplayStats()
    resumed_at = 0
    for step in steps:
        if resumed_at < len(already_received):
            if not already_received.startswith(step.raw, resumed_at):
                raise FeedMismatch("the session's stored feed is not the start of this capture")
            resumed_at += len(step.raw)
            stats.skipped += 1
            continue
        if realtime and step.wait_s > 0:
            sleep(step.wait_s / speed)
        stats.steps += 1
        stats.events += len(step.events)
        stats.rejected += step.rejected
        if not step.events and not step.raw and not step.rejected:
            continue
        applied = apply_timing_events_skipping_failures(
            session_id=session_id,
            events=step.events,
            raw=step.raw,
            raw_format=format,
            rejected=step.rejected,
        )
        stats.failed += applied.failed
        if applied.seq is not None:
            stats.changes += 1
            stats.last_seq = applied.seq
    return stats


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
