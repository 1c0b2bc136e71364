"""Replaying a stored or captured timing feed into a live session, as fast as possible or in
real time; the TCP client is live/feeds/ingest.py."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from live.feeds.adapters.rmonitor import DEFAULT_ENCODING
from live.feeds.decoder import p3_steps, rmonitor_steps
from live.models import LiveSession
from live.services.timing import apply_timing_events_skipping_failures


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
