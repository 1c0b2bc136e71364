"""Decoding a timing feed by format (RMonitor, P3) into timing events, in batches; shared by the
file replay (live/feeds/replay.py) and the TCP ingest (live/feeds/ingest.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from live.engine.timing import TimingEvent, TransponderPassing
from live.feeds.adapters.p3 import P3Parser, looks_like_hex_lines
from live.feeds.adapters.rmonitor import DEFAULT_ENCODING, RMonitorParser

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
    # Text encoding of RMonitor records (live.feeds.adapters.rmonitor.ENCODINGS); P3 is binary.
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
