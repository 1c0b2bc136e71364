"""The board works out the leader's last lap from laps-to-go or time-to-go, shows the white flag
on it, and says which cars have taken the chequered flag: checked after every timing event of
simulated races, against what the simulator knows happened."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from live.engine.standings import State, apply, race_end, rows
from live.engine.timing import Heartbeat, LapPassing
from live.feeds.adapters.simulator import SimulatorConfig, timeline


def finish_time(events: list, config: SimulatorConfig) -> int:
    """Total time of the winner's finishing crossing, from the simulator's own passings: the
    first crossing of a car that has then completed more laps than any other, with the distance
    done (laps) or the time up."""
    done: dict[str, int] = {}
    for _, event in events:
        if isinstance(event, LapPassing) and event.lap_ms is not None:
            laps = done[event.reg_no] = done.get(event.reg_no, 0) + 1
            leads = all(laps > n for car, n in done.items() if car != event.reg_no)
            if config.duration_ms is not None:
                over = event.total_ms >= config.duration_ms
            else:
                over = laps == config.laps
            if leads and over:
                return event.total_ms
    raise AssertionError("the simulated race never finished")


def next_lap_ms(events: list, reg_no: str, after_total: int) -> int | None:
    return next(
        (
            e.lap_ms
            for _, e in events
            if isinstance(e, LapPassing) and e.reg_no == reg_no and e.total_ms > after_total
        ),
        None,
    )


@settings(max_examples=12, deadline=None)
@given(laps=st.integers(min_value=2, max_value=14), seed=st.integers(0, 10_000))
def test_a_laps_race_shows_the_white_flag_on_the_last_lap_and_finishes_every_car(
    laps: int, seed: int
) -> None:
    config = SimulatorConfig(laps=laps, seed=seed, yellow_lap=min(4, laps), pit_lap=laps)
    events = timeline(config)
    finished_at = finish_time(events, config)
    state = State(mode="race")
    last_crossing: dict[str, int] = {}
    running = False
    for _, event in events:
        apply(state, event)
        if isinstance(event, LapPassing) and event.total_ms is not None:
            last_crossing[event.reg_no] = event.total_ms
        running = running or (isinstance(event, Heartbeat) and event.flag == "green")
        board = rows(state)
        end = race_end(state, board[0] if board else None)
        if not running:
            assert end == {"final_lap": None, "white_flag": False, "chequered": False}
            continue
        assert end["final_lap"] == laps
        leader_laps = board[0]["laps"]
        assert end["white_flag"] == (leader_laps == laps - 1 and not end["chequered"])
        if isinstance(event, Heartbeat):
            # The feed counts 0 laps to go from the heartbeat after the leader's last crossing.
            assert end["chequered"] == (leader_laps >= laps)
        if end["chequered"]:
            for row in board:
                crossed = last_crossing.get(row["key"])
                assert row["finished"] == (crossed is not None and crossed >= finished_at)
        else:
            assert not any(row["finished"] for row in board)
    board = rows(state)
    assert all(row["finished"] for row in board)
    assert race_end(state, board[0])["chequered"]


@settings(max_examples=12, deadline=None)
@given(
    minutes=st.integers(min_value=3, max_value=25),
    extra_s=st.integers(min_value=0, max_value=59),
    seed=st.integers(0, 10_000),
)
def test_a_timed_race_ends_at_the_leaders_first_crossing_after_time_is_up(
    minutes: int, extra_s: int, seed: int
) -> None:
    duration = minutes * 60_000 + extra_s * 1000
    config = SimulatorConfig(duration_ms=duration, seed=seed, laps=1000, pit_lap=3)
    events = timeline(config)
    finished_at = finish_time(events, config)
    winner_laps = None
    state = State(mode="race")
    last_crossing: dict[str, int] = {}
    elapsed = None
    white_seen = 0
    for _, event in events:
        apply(state, event)
        if isinstance(event, Heartbeat):
            elapsed = event.elapsed_ms
        if isinstance(event, LapPassing) and event.total_ms is not None:
            last_crossing[event.reg_no] = event.total_ms
            if event.total_ms == finished_at:
                winner_laps = rows(state)[0]["laps"]
        board = rows(state)
        if not board or state.race_end_ms is None:
            continue
        assert state.race_end_ms == duration
        end = race_end(state, board[0])
        leader = board[0]
        leader_done = last_crossing.get(leader["key"], -1) >= finished_at
        assert end["chequered"] == leader_done
        if end["chequered"]:
            assert end["final_lap"] == winner_laps
            assert not end["white_flag"]
            continue
        if elapsed is not None and elapsed >= duration and leader["laps"]:
            # Time is up: the lap the leader is on is the last one, for certain.
            assert end["final_lap"] == leader["laps"] + 1 and end["white_flag"]
        if (
            isinstance(event, LapPassing)
            and event.reg_no == leader["key"]
            and event.lap_ms is not None
            and event.total_ms is not None
        ):
            # The leader starts a lap: it is the last one when time runs out before it ends.
            remaining = duration - event.total_ms
            following = next_lap_ms(events, event.reg_no, event.total_ms)
            assert following is not None
            is_last = remaining <= following
            low, high = sorted((event.lap_ms, following))
            # The board predicts from the lap just driven; only a lap that changes pace across
            # the remaining time can fool it.
            if not low < remaining <= high:
                assert end["white_flag"] == is_last, (remaining, event.lap_ms, following)
            white_seen += end["white_flag"]
    assert state.finish_ms == finished_at
    board = rows(state)
    assert all(row["finished"] for row in board)
    assert white_seen <= 2


def test_a_reset_after_the_flag_starts_the_race_end_afresh() -> None:
    from live.engine.timing import Reset

    config = SimulatorConfig(laps=3, seed=2)
    state = State(mode="race")
    for _, event in timeline(config):
        apply(state, event)
    board = rows(state)
    assert race_end(state, board[0])["chequered"]
    apply(state, Reset())
    apply(state, Heartbeat(9999, None, None, 1000, "green"))
    board = rows(state)
    assert race_end(state, board[0]) == {"final_lap": None, "white_flag": False, "chequered": False}
    assert not any(row["finished"] for row in board)
