"""The simulator: classes, a lap-time spread, a yellow flag, a pit stop and the finish."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from live.api.board import LiveSnapshot
from live.demo.sessions import background_commands, demo_session, seed
from live.engine.standings import State, apply, snapshot
from live.engine.timing import Heartbeat, LapPassing, LineCrossing, Reset
from live.feeds.adapters.simulator import CARS, SimulatorConfig, looped, seconds, timeline
from live.models import LiveSession


def final_board(config: SimulatorConfig) -> dict:
    state = State(mode="race")
    for _, event in timeline(config):
        apply(state, event)
    return snapshot(state, seq=1, session={"id": 1, "name": "Sim", "mode": "race"})


def test_the_race_has_green_yellow_and_finish_flags_in_that_order() -> None:
    flags = [e.flag for _, e in timeline() if isinstance(e, Heartbeat)]
    changes = [flag for i, flag in enumerate(flags) if i == 0 or flags[i - 1] != flag]
    assert changes == ["none", "green", "yellow", "green", "finish"]


def test_the_leader_completes_the_distance_and_others_finish_their_lap() -> None:
    config = SimulatorConfig(laps=8)
    rows = final_board(config)["rows"]
    assert rows[0]["laps"] == 8 and rows[0]["gap_laps"] == 0
    assert all(row["laps"] <= 8 for row in rows)
    assert {row["class"] for row in rows} == {"GT3", "GT4", "TCR"}
    assert [row["class_position"] for row in rows if row["class"] == "GT4"] == [1, 2, 3]


def test_lap_times_spread_around_each_cars_pace_and_one_car_pits() -> None:
    events = [e for _, e in timeline()]
    laps: dict[str, list[int]] = {}
    for event in events:
        if isinstance(event, LapPassing) and event.lap_ms is not None:
            laps.setdefault(event.reg_no, []).append(event.lap_ms)
    assert len({tuple(v) for v in laps.values()}) == len(CARS)
    assert all(len(set(times)) > 3 for times in laps.values())
    crossings = [(at, e) for at, e in timeline() if isinstance(e, LineCrossing)]
    assert [e.line_name for _, e in crossings] == ["PIT", "POT"]
    config = SimulatorConfig()
    pit_out_at = crossings[1][0]
    pit_lap = next(
        e
        for at, e in timeline()
        if isinstance(e, LapPassing) and e.reg_no == config.pit_car and at > pit_out_at
    )
    pace = next(car.pace_ms for car in CARS if car.reg_no == config.pit_car)
    assert (
        pit_lap.lap_ms is not None
        and pit_lap.lap_ms > pace + config.pit_loss_ms - 4 * config.spread_ms
    )


def test_the_car_is_in_the_pit_lane_between_pit_in_and_pit_out() -> None:
    state = State(mode="race")
    seen = []
    for _, event in timeline():
        apply(state, event)
        if isinstance(event, LineCrossing):
            seen.append(state.cars[SimulatorConfig().pit_car].in_pit)
    assert seen == [True, False]


def test_the_same_seed_gives_the_same_race_and_another_seed_another() -> None:
    assert timeline(SimulatorConfig(seed=3)) == timeline(SimulatorConfig(seed=3))
    assert timeline(SimulatorConfig(seed=3)) != timeline(SimulatorConfig(seed=4))


def test_seconds_group_events_and_a_loop_ends_with_a_reset() -> None:
    batches = seconds(timeline())
    assert sum(len(b) for b in batches) == len(timeline())
    assert Counter(isinstance(e, Heartbeat) for e in batches[10])[True] == 1
    assert looped()[-1] == [Reset()]


@pytest.mark.django_db
def test_the_demo_seed_makes_one_live_session_and_the_simulator_moves_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io

    seed(io.StringIO())
    seed(io.StringIO())
    session = demo_session()
    # One session for the simulator to move, and one race it ran to the end for the replay.
    assert session is not None and LiveSession.objects.count() == 2
    assert LiveSession.objects.exclude(pk=session.pk).get().status == LiveSession.Status.FINISHED
    assert background_commands() == [
        ["live_simulate", "--demo", "--loop", "--speed", "1"],
        ["runs_simulate", "--demo", "--loop"],  # the timed-runs board (events' demo makes it)
    ]
    call_command("live_simulate", "--demo", "--speed", "0", "--laps", "3")
    session.refresh_from_db()
    assert session.seq > 100
    assert session.snapshot["flag"] == "finish"
    assert session.snapshot["rows"][0]["laps"] == 3


@pytest.mark.django_db
def test_the_simulator_command_needs_a_session() -> None:
    with pytest.raises(CommandError):
        call_command("live_simulate", "--demo", "--speed", "0")


def test_every_board_of_the_simulated_race_fits_the_api_schema() -> None:
    state = State(mode="race")
    session = {"id": 1, "name": "Sim", "mode": "race"}
    for seq, (_, event) in enumerate(timeline(SimulatorConfig(laps=4)), start=1):
        apply(state, event)
        LiveSnapshot.model_validate(snapshot(state, seq=seq, session=session))
