"""Any snapshot plus the deltas after it equals a fresh snapshot (the spectator protocol's law)."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from live.api.board import LiveSnapshot
from live.engine.standings import MODES, State, apply, apply_delta, diff, snapshot
from live.engine.timing import (
    ClassInfo,
    Competitor,
    Heartbeat,
    LapPassing,
    LineCrossing,
    PracticeRow,
    RaceRow,
    Reset,
    RunInfo,
    TransponderPassing,
)

REG_NOS = st.sampled_from(["1", "2", "3", "12X", "44"])
TIMES = st.one_of(st.none(), st.integers(min_value=1, max_value=10_000_000))

EVENTS = st.one_of(
    st.builds(
        Competitor,
        reg_no=REG_NOS,
        number=REG_NOS,
        first_name=st.sampled_from(["Li", "Wang", ""]),
        class_no=st.sampled_from([None, 1, 2]),
        transponder=st.sampled_from([None, 101, "NE4"]),
    ),
    st.builds(
        RunInfo,
        run_no=st.sampled_from([None, 1, 2]),
        description=st.sampled_from(["Heat 1", "Heat 2"]),
    ),
    st.builds(
        ClassInfo,
        class_no=st.sampled_from([1, 2]),
        description=st.sampled_from(["GT3", "GT4", "TCR"]),
    ),
    st.builds(
        Heartbeat,
        laps_to_go=st.one_of(st.none(), st.integers(0, 50)),
        time_to_go_ms=TIMES,
        time_of_day_ms=TIMES,
        elapsed_ms=TIMES,
        flag=st.sampled_from(["green", "yellow", "red", "finish", "none"]),
    ),
    st.builds(
        RaceRow,
        position=st.integers(1, 6),
        reg_no=REG_NOS,
        laps=st.one_of(st.none(), st.integers(0, 30)),
        total_ms=TIMES,
    ),
    st.builds(
        PracticeRow,
        position=st.integers(1, 6),
        reg_no=REG_NOS,
        best_lap_no=st.one_of(st.none(), st.integers(1, 30)),
        best_lap_ms=TIMES,
    ),
    st.builds(LapPassing, reg_no=REG_NOS, lap_ms=TIMES, total_ms=TIMES),
    st.builds(
        LineCrossing,
        car=REG_NOS,
        line=st.just("P1"),
        line_name=st.sampled_from(["PIP", "POP", "SFT", "SFP", "XX"]),
    ),
    st.builds(
        TransponderPassing,
        passing_no=st.one_of(st.none(), st.integers(1, 40)),
        transponder=st.sampled_from([101, 202, 303]),
        time_us=st.integers(0, 10**10),
    ),
    st.just(Reset()),
)


def boards(mode: str, batches: list[list[Any]]) -> list[dict[str, Any]]:
    state = State(mode=mode, min_lap_ms=1_000)
    session = {"id": 9, "name": "Property", "mode": mode}
    result = [snapshot(state, seq=0, session=session)]
    for batch in batches:
        for event in batch:
            apply(state, event)
        result.append(snapshot(state, seq=len(result), session=session))
    return result


@settings(max_examples=150, deadline=None)
@given(
    mode=st.sampled_from(MODES),
    batches=st.lists(st.lists(EVENTS, min_size=1, max_size=6), min_size=1, max_size=25),
    start=st.integers(min_value=0),
)
def test_any_snapshot_plus_the_deltas_after_it_is_the_fresh_snapshot(
    mode: str, batches: list[list[Any]], start: int
) -> None:
    history = boards(mode, batches)
    deltas = [diff(before, after) for before, after in itertools.pairwise(history)]
    first = start % len(history)
    board = history[first]
    for seq, delta in enumerate(deltas[first:], start=first + 1):
        if delta is not None:
            board = apply_delta(board, {**delta, "seq": seq})
    assert {**board, "seq": 0} == {**history[-1], "seq": 0}


@settings(max_examples=100, deadline=None)
@given(
    mode=st.sampled_from(MODES),
    batches=st.lists(st.lists(EVENTS, min_size=1, max_size=4), min_size=2, max_size=10),
)
def test_a_delta_carries_only_what_changed(mode: str, batches: list[list[Any]]) -> None:
    history = boards(mode, batches)
    for before, after in itertools.pairwise(history):
        delta = diff(before, after)
        if delta is None:
            assert {**before, "seq": 0} == {**after, "seq": 0}
            continue
        old_rows = {row["key"]: row for row in before["rows"]}
        for row in delta.get("rows", []):
            if row["key"] in old_rows:
                assert all(old_rows[row["key"]][k] != v for k, v in row.items() if k != "key")
        for name, value in delta.get("fields", {}).items():
            assert before[name] != value
        if "order" in delta:
            assert delta["order"] != [row["key"] for row in before["rows"]]


@settings(max_examples=100, deadline=None)
@given(
    mode=st.sampled_from(MODES),
    batches=st.lists(st.lists(EVENTS, min_size=1, max_size=6), min_size=1, max_size=15),
)
def test_every_board_fits_the_documented_snapshot_schema(
    mode: str, batches: list[list[Any]]
) -> None:
    # The API validates its answer against this schema: a board it does not fit is a 500 there.
    for board in boards(mode, batches):
        LiveSnapshot.model_validate(board)
