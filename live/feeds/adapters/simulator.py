"""A plausible motor race as timing events, for the demo and for tests. Pure, deterministic.

Cars in several classes lap with a spread around their class pace; a yellow flag slows the field
for a lap; one car makes a pit stop (crossing the IMSA pit-in and pit-out lines); the chequered
flag falls when the leader completes the distance (or, in a timed race, at the leader's first
crossing once the time is up) and every other car finishes its lap. The
events are the same ones the RMonitor adapter produces, so the demo exercises the real engine.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from live.engine.timing import (
    ClassInfo,
    Competitor,
    Heartbeat,
    LapPassing,
    LineCrossing,
    Reset,
    RunInfo,
    TimingEvent,
)


@dataclass(frozen=True)
class SimCar:
    reg_no: str
    number: str
    first_name: str
    last_name: str
    class_no: int
    pace_ms: int


CLASSES = {1: "GT3", 2: "GT4", 3: "TCR"}

CARS = (
    SimCar("1", "1", "张伟", "Zhang Wei", 1, 118_500),
    SimCar("7", "7", "李娜", "Li Na", 1, 118_900),
    SimCar("11", "11", "王强", "Wang Qiang", 1, 119_300),
    SimCar("23", "23", "陈静", "Chen Jing", 1, 119_800),
    SimCar("33", "33", "刘洋", "Liu Yang", 2, 126_000),
    SimCar("44", "44", "赵敏", "Zhao Min", 2, 126_400),
    SimCar("55", "55", "黄磊", "Huang Lei", 2, 127_100),
    SimCar("8X", "8X", "周杰", "Zhou Jie", 3, 131_000),
    SimCar("88", "88", "吴芳", "Wu Fang", 3, 131_600),
    SimCar("99", "99", "孙鹏", "Sun Peng", 3, 132_400),
)


@dataclass(frozen=True)
class SimulatorConfig:
    laps: int = 12
    seed: int = 1
    cars: tuple[SimCar, ...] = CARS
    classes: dict[int, str] = field(default_factory=lambda: dict(CLASSES))
    spread_ms: int = 900
    start_delay_ms: int = 5_000
    yellow_lap: int = 4  # the leader's lap during which the yellow flag is out
    yellow_slowdown: float = 1.25
    pit_car: str = "11"
    pit_lap: int = 6
    pit_loss_ms: int = 28_000
    run_name: str = "Paddock demo race"
    # A timed race: the race runs this long (from the start) instead of `laps` laps.
    duration_ms: int | None = None


def timeline(config: SimulatorConfig | None = None) -> list[tuple[int, TimingEvent]]:
    """Every event of one race with the session time (ms) it happens at, in time order."""
    config = config or SimulatorConfig()
    rng = random.Random(config.seed)
    # Each seed is another run, so that a looped demo starts a new board for every race.
    run = RunInfo(run_no=config.seed, description=f"{config.run_name} {config.seed}")
    events: list[tuple[int, TimingEvent]] = [(0, run)]
    events += [(0, ClassInfo(class_no=n, description=d)) for n, d in config.classes.items()]
    events += [
        (
            0,
            Competitor(
                reg_no=car.reg_no,
                number=car.number,
                first_name=car.first_name,
                last_name=car.last_name,
                class_no=car.class_no,
            ),
        )
        for car in config.cars
    ]
    start = config.start_delay_ms
    # Cars cross the line for the first time in grid order, a few tenths apart.
    crossing = {car.reg_no: start + 300 * i for i, car in enumerate(config.cars)}
    yellow_from = yellow_to = finish_at = None
    passings: list[tuple[int, str, int, int]] = []  # (at, reg_no, lap_ms, total_ms)
    laps_done = {car.reg_no: 0 for car in config.cars}
    # Advance the car whose next crossing is earliest, so flags depend on the leader's progress.
    pending = {car.reg_no: car for car in config.cars}
    while pending:
        reg_no = min(pending, key=lambda r: crossing[r])
        car = pending[reg_no]
        lap_no = laps_done[reg_no] + 1
        lap_ms = car.pace_ms + round(rng.gauss(0, config.spread_ms))
        begins = crossing[reg_no]
        if yellow_from is not None and yellow_to is not None and begins < yellow_to:
            lap_ms = round(lap_ms * config.yellow_slowdown)
        if reg_no == config.pit_car and lap_no == config.pit_lap:
            lap_ms += config.pit_loss_ms
            pit_in = begins + lap_ms - config.pit_loss_ms - 4_000
            events.append((pit_in, LineCrossing(car=car.number, line="P1", line_name="PIT")))
            events.append(
                (
                    pit_in + config.pit_loss_ms,
                    LineCrossing(car=car.number, line="P2", line_name="POT"),
                )
            )
        at = begins + lap_ms
        crossing[reg_no] = at
        # The leader is the car that has just completed more laps than any other.
        leads = all(lap_no > done for other, done in laps_done.items() if other != reg_no)
        laps_done[reg_no] = lap_no
        passings.append((at, reg_no, lap_ms, at - start))
        if lap_no == config.yellow_lap - 1 and yellow_from is None:
            yellow_from, yellow_to = at, at + car.pace_ms
        if finish_at is None and leads and _distance_done(config, lap_no, at - start):
            finish_at = at
        if finish_at is not None and at >= finish_at:
            del pending[reg_no]
    events += [
        (at, LapPassing(reg_no=reg_no, lap_ms=lap_ms, total_ms=total))
        for at, reg_no, lap_ms, total in passings
    ]
    end = max(at for at, *_ in passings)
    in_order = sorted(passings)
    completed: Counter[str] = Counter()
    next_passing = 0
    for now in range(0, end + 3_000, 1_000):
        while next_passing < len(in_order) and in_order[next_passing][0] <= now:
            completed[in_order[next_passing][1]] += 1
            next_passing += 1
        leader_laps = max(completed.values(), default=0)
        if now < start:
            flag = "none"
        elif finish_at is not None and now >= finish_at:
            flag = "finish"
        elif yellow_from is not None and yellow_to is not None and yellow_from <= now < yellow_to:
            flag = "yellow"
        else:
            flag = "green"
        events.append(
            (
                now,
                Heartbeat(
                    laps_to_go=_laps_to_go(config, leader_laps),
                    time_to_go_ms=_time_to_go(config, now - start),
                    time_of_day_ms=None,
                    elapsed_ms=max(now - start, 0) or None,
                    flag=flag,
                ),
            )
        )
    events.sort(key=lambda item: item[0])
    return events


def _distance_done(config: SimulatorConfig, laps: int, elapsed_ms: int) -> bool:
    if config.duration_ms is not None:
        return elapsed_ms >= config.duration_ms
    return laps >= config.laps


def _laps_to_go(config: SimulatorConfig, leader_laps: int) -> int:
    # 9999 is how RMonitor says "no lap limit".
    return 9999 if config.duration_ms is not None else max(config.laps - leader_laps, 0)


def _time_to_go(config: SimulatorConfig, elapsed_ms: int) -> int | None:
    if config.duration_ms is None:
        return None
    return max(config.duration_ms - max(elapsed_ms, 0), 0)


def seconds(events: list[tuple[int, TimingEvent]]) -> list[list[TimingEvent]]:
    """Group a timeline into one batch per second of session time (how the demo applies it)."""
    batches: dict[int, list[TimingEvent]] = {}
    for at, event in events:
        batches.setdefault(at // 1000, []).append(event)
    last = max(batches, default=-1)
    return [batches.get(second, []) for second in range(last + 1)]


def looped(config: SimulatorConfig | None = None) -> list[list[TimingEvent]]:
    """One race then a reset: the demo plays this again and again with a new seed each time."""
    return [*seconds(timeline(config)), [Reset()]]
