"""A finished session replayed from its stored deltas is, at every seq, the board the server
stored at that seq (the places gained over the last lap included), and the arrows say what the
cars did over their last lap."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from live.engine.moves import with_moves
from live.engine.standings import MODES
from live.engine.timing import Competitor, LapPassing
from live.models import LiveSession
from live.queries.replay import replay_deltas, replay_start, snapshot_at
from live.services.timing import apply_timing_events, create_live_session, finish_live_session
from tests.live.test_snapshot_plus_deltas_equals_fresh_snapshot import EVENTS

pytestmark = pytest.mark.django_db


def _run(mode: str, batches: list[list[Any]]) -> tuple[LiveSession, dict[int, dict[str, Any]]]:
    session = create_live_session(name="Replay", mode=mode, min_lap_ms=1_000)
    stored = {0: LiveSession.objects.get(pk=session.pk).snapshot}
    for batch in batches:
        apply_timing_events(session_id=session.pk, events=batch)
        session.refresh_from_db()
        stored[session.seq] = session.snapshot
    finish_live_session(session_id=session.pk)
    return session, stored


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    mode=st.sampled_from(MODES),
    batches=st.lists(st.lists(EVENTS, min_size=1, max_size=5), min_size=1, max_size=15),
)
def test_the_replay_at_every_seq_is_the_stored_snapshot(
    mode: str, batches: list[list[Any]]
) -> None:
    session, stored = _run(mode, batches)
    for seq, board in stored.items():
        assert snapshot_at(session, seq=seq) == board
    # What the browser folds: the start and the deltas as the replay's data endpoint pages them.
    deltas = replay_deltas(session, after=0, limit=3) + replay_deltas(session, after=3)
    assert [d["seq"] for d in deltas] == list(range(1, session.seq + 1))
    assert replay_start(session) == stored[0]


def test_arrows_count_the_places_a_car_gained_or_lost_over_its_last_lap() -> None:
    session = create_live_session(name="Arrows", mode="race")
    cars = [Competitor(reg_no=n, number=n, first_name=n) for n in ("1", "2", "3")]
    starts = [
        LapPassing(reg_no=n, lap_ms=None, total_ms=t) for n, t in (("1", 10), ("2", 20), ("3", 30))
    ]
    apply_timing_events(session_id=session.pk, events=[*cars, *starts])
    # Lap 1: car 3 passes both others.
    apply_timing_events(
        session_id=session.pk,
        events=[
            LapPassing(reg_no="3", lap_ms=60_000, total_ms=60_030),
            LapPassing(reg_no="1", lap_ms=60_100, total_ms=60_110),
            LapPassing(reg_no="2", lap_ms=60_200, total_ms=60_220),
        ],
    )
    session.refresh_from_db()
    moves = {r["number"]: (r["position"], r["places_gained"]) for r in session.snapshot["rows"]}
    assert moves == {"3": (1, 2), "1": (2, -1), "2": (3, -1)}
    # Lap 2 in the same order: no places gained, none lost.
    apply_timing_events(
        session_id=session.pk,
        events=[
            LapPassing(reg_no=n, lap_ms=60_000, total_ms=t)
            for n, t in (("3", 120_030), ("1", 120_110), ("2", 120_220))
        ],
    )
    session.refresh_from_db()
    assert {r["number"]: r["places_gained"] for r in session.snapshot["rows"]} == {
        "3": 0,
        "1": 0,
        "2": 0,
    }


def test_a_car_that_loses_laps_starts_its_arrow_over() -> None:
    before = [{"key": "a", "position": 3, "laps": 5, "lap_position": 3, "places_gained": 2}]
    after = with_moves(before, [{"key": "a", "position": 1, "laps": 0}])
    assert after[0]["lap_position"] == 1
    assert after[0]["places_gained"] is None
