"""The standings engine: ordering by mode, gaps and intervals, class positions, PB/SB, flag,
clock, pit lane, resets and duplicates (docs/timing.md, standings)."""

from __future__ import annotations

from typing import Any

from live.engine.standings import State, apply, snapshot
from live.engine.timing import (
    ClassInfo,
    Competitor,
    Correction,
    Heartbeat,
    LapPassing,
    LineCrossing,
    PracticeRow,
    RaceRow,
    Reset,
    TimingEvent,
    TransponderPassing,
)

SESSION = {"id": 1, "name": "Race 1", "mode": "race"}


def board(mode: str, *events: TimingEvent, min_lap_ms: int = 0) -> dict[str, Any]:
    state = State(mode=mode, min_lap_ms=min_lap_ms)
    for event in events:
        apply(state, event)
    return snapshot(state, seq=5, session=SESSION)


def field(rows: list[dict[str, Any]], name: str) -> list[Any]:
    return [row[name] for row in rows]


def cars(*numbers: str, class_no: int = 1) -> list[TimingEvent]:
    return [
        Competitor(reg_no=n, number=n, first_name=f"Driver {n}", class_no=class_no) for n in numbers
    ]


def test_a_race_orders_by_laps_then_by_when_the_last_lap_was_completed() -> None:
    rows = board(
        "race",
        *cars("A", "B", "C"),
        LapPassing("A", 60_000, 60_000),
        LapPassing("B", 59_000, 59_000),
        LapPassing("C", 61_000, 61_000),
        LapPassing("B", 62_000, 121_000),
        LapPassing("A", 60_500, 120_500),
    )["rows"]
    assert field(rows, "number") == ["A", "B", "C"]
    assert field(rows, "laps") == [2, 2, 1]
    assert field(rows, "gap_ms") == [None, 500, None]
    assert field(rows, "gap_laps") == [0, 0, 1]
    assert field(rows, "interval_ms") == [None, 500, None]
    assert field(rows, "interval_laps") == [0, 0, 1]


def test_practice_orders_by_best_lap_and_cars_without_a_time_go_last() -> None:
    rows = board(
        "practice",
        *cars("A", "B", "C"),
        LapPassing("A", 61_000, 61_000),
        LapPassing("B", 59_000, 59_000),
        LapPassing("A", 58_500, 119_500),
    )["rows"]
    assert field(rows, "number") == ["A", "B", "C"]
    assert field(rows, "best_lap_ms") == [58_500, 59_000, None]
    assert field(rows, "best_lap_no") == [2, 1, None]
    assert field(rows, "gap_ms") == [None, 500, None]
    assert field(rows, "gap_laps") == [0, 0, None]
    assert field(rows, "interval_ms") == [None, 500, None]


def test_qualifying_orders_like_practice() -> None:
    rows = board("qualifying", *cars("A", "B"), LapPassing("B", 70_000, 70_000))["rows"]
    assert field(rows, "number") == ["B", "A"]


def test_the_feed_order_laps_and_total_win_over_our_own_in_a_race() -> None:
    rows = board(
        "race",
        *cars("A", "B"),
        LapPassing("A", 60_000, 60_000),
        # The timing system knows about a penalty we do not: B leads.
        RaceRow(1, "B", 3, 180_000),
        RaceRow(2, "A", 3, 185_000),
    )["rows"]
    assert field(rows, "number") == ["B", "A"]
    assert field(rows, "laps") == [3, 3]
    assert field(rows, "total_ms") == [180_000, 185_000]
    assert field(rows, "gap_ms") == [None, 5_000]


def test_practice_uses_the_feed_order_from_h_records() -> None:
    rows = board(
        "practice",
        *cars("A", "B", "C"),
        PracticeRow(1, "B", 4, 100_000),
        PracticeRow(2, "A", 2, 100_250),
        PracticeRow(3, "C", None, None),
    )["rows"]
    assert field(rows, "number") == ["B", "A", "C"]
    assert field(rows, "best_lap_no") == [4, 2, None]
    assert field(rows, "gap_ms") == [None, 250, None]


def test_placeholder_h_rows_for_cars_that_left_the_session_are_not_shown() -> None:
    rows = board(
        "practice", *cars("A"), PracticeRow(1, "A", 2, 90_000), PracticeRow(1, "ghost", None, None)
    )["rows"]
    assert field(rows, "number") == ["A"]


def test_the_leader_without_a_time_has_zero_laps_gap_and_others_null() -> None:
    rows = board("race", *cars("A", "B"))["rows"]
    assert (rows[0]["gap_ms"], rows[0]["gap_laps"], rows[0]["interval_laps"]) == (None, 0, 0)
    assert (rows[1]["gap_ms"], rows[1]["gap_laps"], rows[1]["interval_laps"]) == (None, None, None)
    assert rows[1]["total_ms"] is None and rows[1]["laps"] == 0


def test_class_positions_rank_inside_each_class_in_board_order() -> None:
    rows = board(
        "race",
        ClassInfo(1, "GT3"),
        ClassInfo(2, "GT4"),
        *cars("A", "C", class_no=1),
        *cars("B", class_no=2),
        LapPassing("A", 60_000, 60_000),
        LapPassing("B", 61_000, 61_000),
        LapPassing("C", 62_000, 62_000),
    )["rows"]
    assert [(r["number"], r["class"], r["class_position"]) for r in rows] == [
        ("A", "GT3", 1),
        ("B", "GT4", 1),
        ("C", "GT3", 2),
    ]


def test_personal_and_session_best_flags() -> None:
    rows = board(
        "race",
        *cars("A", "B"),
        LapPassing("A", 60_000, 60_000),
        LapPassing("B", 61_000, 61_000),
        LapPassing("A", 59_000, 119_000),
        LapPassing("B", 62_000, 123_000),
    )["rows"]
    by_number = {row["number"]: row for row in rows}
    assert (by_number["A"]["pb"], by_number["A"]["sb"]) == (True, True)
    assert (by_number["B"]["pb"], by_number["B"]["sb"]) == (False, False)


def test_flag_and_clock_come_from_the_heartbeat() -> None:
    snap = board("race", Heartbeat(12, 600_000, 36_000_000, 300_000, "yellow"))
    assert (snap["flag"], snap["laps_to_go"], snap["time_to_go_ms"], snap["elapsed_ms"]) == (
        "yellow",
        12,
        600_000,
        300_000,
    )
    assert snap["seq"] == 5 and snap["session"] == SESSION


def test_pit_lane_lines_set_and_clear_in_pit() -> None:
    pit_in = board("race", *cars("40"), LineCrossing("40", "P3", "PIP"))["rows"][0]
    pit_out = board(
        "race", *cars("40"), LineCrossing("40", "P3", "PIP"), LineCrossing("40", "P2", "POP")
    )["rows"][0]
    on_track = board(
        "race", *cars("40"), LineCrossing("40", "P1", "SFP"), LineCrossing("40", "T1", "SFT")
    )["rows"][0]
    assert (pit_in["in_pit"], pit_out["in_pit"], on_track["in_pit"]) == (True, False, False)


def test_a_reset_keeps_the_scoreboard_and_the_mode() -> None:
    # `$I` arrives mid-session without a resend of every car (docs/timing.md, resets).
    state = State(mode="practice")
    for event in [
        *cars("A"),
        LapPassing("A", 60_000, 60_000),
        Heartbeat(None, None, None, 5, "green"),
        Reset(),
    ]:
        apply(state, event)
    snap = snapshot(state, seq=1, session=SESSION)
    assert field(snap["rows"], "best_lap_ms") == [60_000] and snap["flag"] == "green"
    assert state.mode == "practice" and state.resets == 1


def test_a_repeated_lap_passing_is_applied_once() -> None:
    state = State(mode="race")
    apply(state, cars("A")[0])
    assert apply(state, LapPassing("A", 60_000, 60_000)) is True
    assert apply(state, LapPassing("A", 60_000, 60_000)) is False
    assert state.cars["A"].laps == 1 and state.duplicates == 1


def test_the_lap_number_is_right_whether_g_comes_before_or_after_j() -> None:
    j_first = board(
        "race",
        *cars("A"),
        RaceRow(1, "A", 4, 240_000),
        LapPassing("A", 59_000, 299_000),
        RaceRow(1, "A", 5, 299_000),
    )["rows"][0]
    g_first = board(
        "race",
        *cars("A"),
        RaceRow(1, "A", 4, 240_000),
        RaceRow(1, "A", 5, 299_000),
        LapPassing("A", 59_000, 299_000),
    )["rows"][0]
    assert j_first["best_lap_no"] == g_first["best_lap_no"] == 5
    assert j_first == g_first


def test_a_correction_sets_laps_and_total() -> None:
    rows = board(
        "race",
        *cars("A"),
        RaceRow(1, "A", 10, 600_000),
        Correction("A", "A", 10, 599_988, "-0.012"),
    )["rows"]
    assert (rows[0]["laps"], rows[0]["total_ms"]) == (10, 599_988)


def test_passings_become_laps_and_double_reads_under_the_minimum_are_dropped() -> None:
    second = 1_000_000
    t0 = 1_551_542_808_933_000
    state = State(mode="race", min_lap_ms=20_000)
    for number, at in enumerate(
        [t0, t0 + 42 * second, t0 + 44 * second, t0 + 83 * second], start=1
    ):
        apply(state, TransponderPassing(passing_no=number, transponder=77, time_us=at))
    car = state.cars["t77"]
    assert (car.laps, car.last_lap_ms, car.best_lap_ms, car.best_lap_no) == (2, 41_000, 41_000, 2)
    assert state.double_reads == 1
    assert car.total_ms == 83_000


def test_a_resent_passing_number_is_a_duplicate_and_a_jump_counts_missed_passings() -> None:
    state = State(mode="race")
    apply(state, TransponderPassing(passing_no=10, transponder=1, time_us=0))
    assert apply(state, TransponderPassing(passing_no=10, transponder=1, time_us=0)) is False
    apply(state, TransponderPassing(passing_no=13, transponder=1, time_us=50_000_000))
    assert (state.duplicates, state.missed_passings, state.cars["t1"].laps) == (1, 2, 1)


def test_a_decoder_that_restarts_its_numbering_is_not_taken_for_duplicates() -> None:
    state = State(mode="race", min_lap_ms=20_000)
    apply(state, TransponderPassing(passing_no=900, transponder=1, time_us=0))
    apply(state, TransponderPassing(passing_no=901, transponder=1, time_us=40_000_000))
    # Power cycle: numbering starts again at 1, times keep going forward.
    assert apply(state, TransponderPassing(passing_no=1, transponder=1, time_us=80_000_000)) is True
    assert (
        apply(state, TransponderPassing(passing_no=1, transponder=1, time_us=80_000_000)) is False
    )
    assert (state.cars["t1"].laps, state.duplicates) == (2, 1)


def test_state_survives_a_round_trip_through_json() -> None:
    state = State(mode="race", min_lap_ms=1)
    for event in [*cars("A"), LapPassing("A", 60_000, 60_000), TransponderPassing(1, 5, 10)]:
        apply(state, event)
    again = State.from_json(state.to_json())
    assert again == state
    assert snapshot(again, seq=1, session=SESSION) == snapshot(state, seq=1, session=SESSION)
