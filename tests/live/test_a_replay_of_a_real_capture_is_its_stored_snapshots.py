"""Real captures (the Orbits mock race, a P3 decoder's passings), fed
through the feed replay into a live session, replay from their stored deltas to the snapshot the
service stored at each step and at the end, as the board's replay folds them page by page."""

from __future__ import annotations

import os
from typing import Any

import pytest

from live.engine.standings import apply_delta
from live.feeds.replay import replay
from live.models import LiveSession
from live.queries.replay import replay_deltas, replay_start, snapshot_at
from live.services.timing import create_live_session, finish_live_session

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "format", "mode"),
    [
        ("rmonitor-Orbits_Mock_Session.txt", "rmonitor", "race"),
        ("p3-amb-short.out", "p3", "race"),
    ],
)
def test_a_replayed_capture_folds_to_what_was_stored_at_each_step(
    shared_timing_dir: str, name: str, format: str, mode: str
) -> None:
    with open(os.path.join(shared_timing_dir, name), "rb") as capture:
        data = capture.read()
    session = create_live_session(name=name, mode=mode, source=LiveSession.Source.REPLAY)
    stored: dict[int, dict[str, Any]] = {0: session.snapshot}

    def between_steps(_: float) -> None:
        # The replay waits here before each timed step: the board stored so far is complete.
        row = LiveSession.objects.values("seq", "snapshot").get(pk=session.pk)
        stored[row["seq"]] = row["snapshot"]

    # Real-time steps without the waiting: each step's snapshot is seen.
    replay(session_id=session.pk, data=data, format=format, speed=1e9, sleep=between_steps)
    finish_live_session(session_id=session.pk)
    session.refresh_from_db()
    stored[session.seq] = session.snapshot
    assert len(stored) > 20

    board = replay_start(session)
    seq = 0
    while page := replay_deltas(session, after=seq):
        for delta in page:
            board = apply_delta(board, delta)
            seq = delta["seq"]
            if seq in stored:
                assert board == stored[seq], seq
    assert seq == session.seq
    assert board == session.snapshot
    middle = sorted(stored)[len(stored) // 2]
    assert snapshot_at(session, seq=middle) == stored[middle]
