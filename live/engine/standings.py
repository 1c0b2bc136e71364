"""The standings engine: timing events in, spectator snapshot and deltas out. Pure, no Django.

`State` is everything the engine knows about one live session; `apply(state, event)` folds one
timing event into it, `snapshot(state, ...)` renders the board, and `diff`/`apply_delta` turn two
snapshots into the small message spectators receive and back. `State.to_json()/from_json()` let
the service keep the state between batches in the database.

Ordering (docs/timing.md, "Standings"): a race orders by laps (desc) then the time the last lap was
completed (asc); practice and qualifying order by best lap (asc), cars without a time last. When
the timing system sends its own order (RMonitor `$G` in a race, `$H` otherwise) that order, its
laps and its total time are used as they are: the timing system knows about penalties and
deleted laps, Paddock does not. Once `$H` has given a car a best lap, `$H` alone decides it: a
best lap the feed withdraws is not recomputed from `$J` (officials deleted that lap).

Resets (docs/timing.md, "Resets and sessions"): `$I` keeps the last known board, because timing
PCs send it mid-session without resending every car; a car carried over that way leaves the board
only when the feed contradicts it (another car takes its place in the order, the feed orders
cars after the `$I` and it has no place at all, or its registration number comes back with
another transponder), and comes back with everything it had when the
feed names it again. A `$B` naming another run (new number and new name) starts a new board.

Delta message: `{"type": "delta", "seq": n, "fields": {top-level changes}, "rows": [{"key": k,
changed fields...} or a whole new row], "order": [keys]}`; `fields`, `rows` and `order` are each
present only when something in them changed, and `order` is sent whenever the set or order of
rows changed (a row not in `order` is gone).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from live.engine.timing import (
    ClassInfo,
    Competitor,
    Correction,
    Heartbeat,
    LapPassing,
    LineCrossing,
    PitMark,
    PracticeRow,
    RaceRow,
    Reset,
    RunInfo,
    Setting,
    TimingEvent,
    TransponderPassing,
)

RACE, PRACTICE, QUALIFYING = "race", "practice", "qualifying"
MODES = (RACE, PRACTICE, QUALIFYING)

TOP_LEVEL_FIELDS = (
    "flag",
    "laps_to_go",
    "time_to_go_ms",
    "elapsed_ms",
    "session",
    # Race end (docs/race-control.md): the leader's last lap, whether it is on it, whether the
    # leader has taken the chequered flag; and the public race-control messages, newest first.
    "final_lap",
    "white_flag",
    "chequered",
    "messages",
)
ROW_FIELDS = (
    "key",
    "position",
    "number",
    "name",
    "class",
    "class_position",
    "laps",
    "total_ms",
    "last_lap_ms",
    "best_lap_ms",
    "best_lap_no",
    "gap_ms",
    "gap_laps",
    "interval_ms",
    "interval_laps",
    "pb",
    "sb",
    "in_pit",
    "finished",
    "stops",
    "stint_laps",
)

# Public race-control messages kept on the board (the whole log is in the database).
BOARD_MESSAGES = 20
# Pit stops remembered per car: far more than any race has.
KEPT_STOPS = 200

# IMSA `$L` line names: crossing one of these puts the car in the pit lane, or back on track.
PIT_IN_LINES = {"PIT", "PIP", "SFP"}
PIT_OUT_LINES = {"POT", "POP", "SFT"}


@dataclass
class Car:
    key: str
    number: str = ""
    name: str = ""
    class_no: int | None = None
    class_name: str = ""
    transponder: int | str | None = None
    # True once a competitor record ($A/$COMP, an entry, an ad hoc row) names this car.
    known: bool = False
    # Counted by Paddock from passings / $J.
    laps: int = 0
    total_ms: int | None = None
    last_lap_ms: int | None = None
    best_lap_ms: int | None = None
    best_lap_no: int | None = None
    # The timing system's own figures, when it sends them ($G, $H).
    feed_race_position: int | None = None
    feed_laps: int | None = None
    feed_total_ms: int | None = None
    feed_practice_position: int | None = None
    feed_best_lap_no: int | None = None
    feed_best_lap_ms: int | None = None
    # True once `$H` gave this car a best lap: from then on `$H` is the authority, also when it
    # withdraws the lap.
    feed_best_authority: bool = False
    # Known from before the last `$I` and not named by the feed since.
    carried: bool = False
    # A carried car the feed contradicted: not on the board until the feed names it again.
    contradicted: bool = False
    in_pit: bool = False
    last_passing_us: int | None = None
    # P3: the times of the passings that counted, so that one arriving late (a decoder's resend)
    # is put in its place. Empty for cars timed by RMonitor.
    passings_us: list[int] = field(default_factory=list)
    # Pit stops, oldest first: {"lap", "in_ms", "out_ms", "driver"} with times in ms of the clock
    # the source gives (epoch ms for P3, `$L` and staff marks); `out_ms` None while in the lane.
    stops: list[dict[str, Any]] = field(default_factory=list)
    # The car's lap count when its current stint began (the last pit exit).
    stint_start_lap: int = 0
    # Finished stints: {"driver", "from_lap", "to_lap"}; the current one is derived.
    stints: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class State:
    mode: str = RACE
    min_lap_ms: int = 0
    cars: dict[str, Car] = field(default_factory=dict)
    classes: dict[str, str] = field(default_factory=dict)
    flag: str = "none"
    laps_to_go: int | None = None
    time_to_go_ms: int | None = None
    elapsed_ms: int | None = None
    run_name: str = ""
    # `$B` run number: the session the feed is timing. A different one is a new board.
    run_no: int | None = None
    track: dict[str, str] = field(default_factory=dict)
    # First passing of the session (P3): the zero of total times when the feed has no clock.
    start_us: int | None = None
    # Highest passing number seen per decoder, to drop resent and duplicated passings.
    last_passing_no: dict[str, int] = field(default_factory=dict)
    last_passing_us: dict[str, int] = field(default_factory=dict)
    # "decoder:passing number" -> time of the passings seen lately, so that a resend of one never
    # delivered counts and a second copy of one delivered does not.
    seen_passings: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    double_reads: int = 0
    missed_passings: int = 0
    resets: int = 0
    sessions: int = 0
    # P3 decoders on the pit lane (staff set them on the live session): a passing there is a pit
    # entry or exit, not a lap.
    pit_in_decoders: list[int] = field(default_factory=list)
    pit_out_decoders: list[int] = field(default_factory=list)
    # Race end: the leader's last lap once laps-to-go or time-to-go says it, the planned end of a
    # timed race in elapsed ms, and the leader's total time when it took the chequered flag.
    final_lap: int | None = None
    race_end_ms: int | None = None
    finish_ms: int | None = None
    # Public race-control messages on the board, newest first (live.services.racecontrol).
    messages: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        # Hand-rolled rather than dataclasses.asdict: every value is a primitive or a flat dict,
        # and asdict's deep recursion was half the cost of applying a batch.
        data: dict[str, Any] = {}
        for name in (f.name for f in fields(self)):
            value = getattr(self, name)
            data[name] = dict(value) if isinstance(value, dict) else value
        data["cars"] = {
            key: {
                **vars(car),
                "passings_us": list(car.passings_us),
                "stops": [dict(stop) for stop in car.stops],
                "stints": [dict(stint) for stint in car.stints],
            }
            for key, car in self.cars.items()
        }
        data["messages"] = [dict(message) for message in self.messages]
        data["pit_in_decoders"] = list(self.pit_in_decoders)
        data["pit_out_decoders"] = list(self.pit_out_decoders)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        if not data:
            return cls()
        values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        car_names = {f.name for f in fields(Car)}
        values["cars"] = {
            key: Car(**{k: v for k, v in car.items() if k in car_names})
            for key, car in data.get("cars", {}).items()
        }
        return cls(**values)


def transponder_key(transponder: int) -> str:
    return f"t{transponder}"


def _car(state: State, reg_no: str) -> Car:
    car = state.cars.get(reg_no)
    if car is None:
        car = state.cars[reg_no] = Car(key=reg_no, number=reg_no)
    return car


def _complete_lap(car: Car, lap_ms: int, total_ms: int | None, lap_no: int) -> None:
    car.laps = lap_no
    car.total_ms = total_ms
    car.last_lap_ms = lap_ms
    if car.best_lap_ms is None or lap_ms < car.best_lap_ms:
        car.best_lap_ms = lap_ms
        car.best_lap_no = lap_no


def apply(state: State, event: TimingEvent) -> bool:
    """Fold one event into `state`; returns False when the event was a duplicate or ignored."""
    applied = _apply(state, event)
    if applied and isinstance(
        event, Heartbeat | LapPassing | TransponderPassing | RaceRow | Correction
    ):
        _race_end(state, event)
    return applied


def _apply(state: State, event: TimingEvent) -> bool:
    if isinstance(event, Heartbeat):
        state.flag = event.flag
        state.laps_to_go = event.laps_to_go
        state.time_to_go_ms = event.time_to_go_ms
        state.elapsed_ms = event.elapsed_ms
    elif isinstance(event, Competitor):
        before = state.cars.get(event.reg_no)
        if before is not None and before.carried and _other_transponder(before, event):
            # The registration number is another car's now: nothing carried over is its.
            del state.cars[event.reg_no]
        car = _named(state, event.reg_no)
        car.known = True
        car.number = event.number or car.number
        # Team name in first_name with an empty last name is common, and real feeds alternate
        # between "", "Driver" and "Team /", "Lineup" for one car: a name with one part is a
        # whole name. Only an update with no name at all (a transponder or class change) keeps it.
        name = " ".join(part for part in (event.first_name, event.last_name) if part)
        car.name = name or car.name
        if event.class_no is not None:
            car.class_no = event.class_no
        if event.class_name:
            car.class_name = event.class_name
        if event.transponder:
            car.transponder = event.transponder
    elif isinstance(event, ClassInfo):
        state.classes[str(event.class_no)] = event.description
    elif isinstance(event, RunInfo):
        if _new_session(state, event):
            _new_board(state)
        state.run_no = event.run_no if event.run_no is not None else state.run_no
        state.run_name = event.description
    elif isinstance(event, Setting):
        state.track[event.name.upper()] = event.value
    elif isinstance(event, RaceRow):
        car = _placed(state, event.reg_no, race=event.position)
        car.feed_race_position = event.position
        if event.laps is not None:
            car.feed_laps = event.laps
        car.feed_total_ms = event.total_ms
    elif isinstance(event, PracticeRow):
        car = _placed(state, event.reg_no, practice=event.position)
        car.feed_practice_position = event.position
        car.feed_best_lap_no = event.best_lap_no
        car.feed_best_lap_ms = event.best_lap_ms
        if event.best_lap_ms is not None:
            car.feed_best_authority = True
    elif isinstance(event, Reset):
        _reset(state)
    elif isinstance(event, LapPassing):
        return _lap_passing(state, event)
    elif isinstance(event, Correction):
        car = _named(state, event.reg_no)
        car.number = event.number or car.number
        if event.laps is not None:
            car.feed_laps = car.laps = event.laps
        car.feed_total_ms = event.total_ms
        car.total_ms = event.total_ms
    elif isinstance(event, LineCrossing):
        return _line_crossing(state, event)
    elif isinstance(event, TransponderPassing):
        return _transponder_passing(state, event)
    elif isinstance(event, PitMark):
        return _pit_mark(state, event)
    else:
        return False
    return True


def set_identity(
    state: State, *, transponder: int, number: str, name: str, class_name: str
) -> bool:
    """Staff renamed a transponder's row: number, name and class exactly as given (an empty
    class clears it, unlike a `Competitor` record). False when no car carries the transponder:
    the mapping waits for its first crossing and the board does not change."""
    car = next((c for c in state.cars.values() if c.transponder == transponder), None)
    if car is None:
        return False
    car.known = True
    car.number = number or str(transponder)
    car.name = name
    car.class_name = class_name
    car.class_no = None
    return True


def carries(state: State, transponder: int) -> bool:
    """A car on the board has crossed with (or was named for) this transponder."""
    return any(car.transponder == transponder for car in state.cars.values())


def _named(state: State, reg_no: str) -> Car:
    """The car a record names: the feed confirms it, so it is no longer a carried-over guess."""
    car = _car(state, reg_no)
    car.carried = car.contradicted = False
    return car


def _other_transponder(car: Car, event: Competitor) -> bool:
    return bool(car.transponder and event.transponder and car.transponder != event.transponder)


def _placed(
    state: State, reg_no: str, *, race: int | None = None, practice: int | None = None
) -> Car:
    """The car a `$G`/`$H` row places; carried-over cars this row contradicts leave the board."""
    car = _named(state, reg_no)
    for other in state.cars.values():
        if not other.carried or other.contradicted:
            continue
        unplaced = other.feed_race_position is None and other.feed_practice_position is None
        if (
            unplaced
            or (race is not None and other.feed_race_position == race)
            or (practice is not None and other.feed_practice_position == practice)
        ):
            other.contradicted = True
    return car


def _new_session(state: State, event: RunInfo) -> bool:
    """A `$B` naming another run: both its number and its name differ from the current one.

    Orbits changes the number alone inside one run (a whole race under `$B,95`, `$B,25`, `$B,95`
    with the same name) and the name alone when staff rename the run; a new session changes both.
    """
    if state.run_no is None or event.run_no is None or event.run_no == state.run_no:
        return False
    return event.description.casefold() != state.run_name.casefold()


def _reset(state: State) -> None:
    """`$I`: keep the board, and remember which cars the feed has not confirmed since."""
    state.resets += 1
    for car in state.cars.values():
        car.carried = True
    # The end of the race is worked out again from the heartbeats that follow: a timing system
    # that clears its scoreboard after the flag is about to run the race again.
    state.final_lap = state.race_end_ms = state.finish_ms = None


_COUNTERS = ("duplicates", "double_reads", "missed_passings", "resets", "sessions")


def _new_board(state: State) -> None:
    """A new session: nothing of the old one stays but the mode, the settings and the counters."""
    # Settings and Paddock's own race-control messages belong to the live session, not the run.
    kept = State(
        mode=state.mode,
        min_lap_ms=state.min_lap_ms,
        pit_in_decoders=state.pit_in_decoders,
        pit_out_decoders=state.pit_out_decoders,
        messages=state.messages,
    )
    for name in _COUNTERS:
        setattr(kept, name, getattr(state, name))
    kept.sessions += 1
    for name in (f.name for f in fields(State)):
        setattr(state, name, getattr(kept, name))


def _lap_passing(state: State, event: LapPassing) -> bool:
    car = _named(state, event.reg_no)
    if event.total_ms is not None and car.total_ms is not None and event.total_ms <= car.total_ms:
        # Not a new crossing: the same $J resent after a reconnect, or an older one.
        state.duplicates += 1
        return False
    if event.lap_ms is None:
        # The crossing that starts lap 1 (Orbits sends it with a zero lap time).
        car.total_ms = event.total_ms
        return True
    if car.feed_laps and car.feed_total_ms == event.total_ms:
        # Records are not ordered: the `$G` for this very crossing may have come first.
        lap_no = car.feed_laps
    else:
        lap_no = max(car.laps, car.feed_laps or 0) + 1
    _complete_lap(car, event.lap_ms, event.total_ms, lap_no)
    return True


def _line_crossing(state: State, event: LineCrossing) -> bool:
    name = event.line_name.upper()
    if name not in PIT_IN_LINES and name not in PIT_OUT_LINES:
        return False
    # `$L` names the car by its number; fall back to the registration number.
    car = find_car(state, event.car)
    if car is None:
        return False
    _pit(car, name in PIT_IN_LINES, _line_time_ms(event.date, event.time))
    return True


def _line_time_ms(date: str, time: str) -> int | None:
    """`$L` date `MM/DD/YYYY` and time `HH:MM:SS.ddd` as ms since the epoch (the timing PC's
    clock read as UTC: only differences between two crossings are used)."""
    try:
        day = datetime.strptime(date.strip(), "%m/%d/%Y").replace(tzinfo=UTC)
        hours, minutes, seconds = time.strip().split(":")
        offset = (int(hours) * 3600 + int(minutes) * 60) * 1000 + round(float(seconds) * 1000)
    except ValueError:
        return None
    if not 0 <= offset < 86_400_000:
        return None
    return int(day.timestamp() * 1000) + offset


def _car_laps(car: Car) -> int:
    return max(car.laps, car.feed_laps or 0)


def _pit(car: Car, pit_in: bool, at_ms: int | None) -> bool:
    """The car enters (or leaves) the pit lane at `at_ms`: a stop begins (or ends), and so does a
    stint. A second entry without an exit, or an exit without an entry (a car starting from the
    pit lane), changes nothing."""
    laps = _car_laps(car)
    if pit_in:
        if car.in_pit:
            return False
        car.in_pit = True
        car.stints.append({"driver": car.name, "from_lap": car.stint_start_lap, "to_lap": laps})
        car.stops.append({"lap": laps, "in_ms": at_ms, "out_ms": None, "driver": car.name})
        del car.stops[:-KEPT_STOPS], car.stints[:-KEPT_STOPS]
        return True
    if not car.in_pit:
        return False
    car.in_pit = False
    if car.stops and car.stops[-1]["out_ms"] is None:
        car.stops[-1]["out_ms"] = at_ms
    car.stint_start_lap = laps
    return True


def _pit_mark(state: State, event: PitMark) -> bool:
    car = state.cars.get(event.car) or find_car(state, event.car)
    if car is None:
        return False
    return _pit(car, event.pit_in, event.at_ms)


def find_car(state: State, number: str) -> Car | None:
    """The car showing this car number, else the one with this registration number (row key):
    a number is what officials and `$L` name a car by, and may be another car's reg no."""
    found = next((c for c in state.cars.values() if c.number == number), None)
    return found or state.cars.get(number)


def pit_history(car: Car) -> dict[str, Any]:
    """A car's stops (with their durations) and stints (with their lengths), for its page."""
    laps = _car_laps(car)
    stops = [
        {
            **stop,
            "duration_ms": None
            if stop["in_ms"] is None or stop["out_ms"] is None
            else stop["out_ms"] - stop["in_ms"],
        }
        for stop in car.stops
    ]
    stints = [*car.stints]
    if not car.in_pit:
        stints.append({"driver": car.name, "from_lap": car.stint_start_lap, "to_lap": laps})
    stints = [{**stint, "laps": stint["to_lap"] - stint["from_lap"]} for stint in stints]
    # Each driver's share of the car's race (endurance line-ups), in the order they first drove.
    drivers: dict[str, dict[str, Any]] = {}
    for stint in stints:
        share = drivers.setdefault(stint["driver"], {"driver": stint["driver"], "stints": 0})
        share["stints"] += 1
        share["laps"] = share.get("laps", 0) + stint["laps"]
    return {
        "stops": stops,
        "stints": stints,
        "drivers": list(drivers.values()),
        "laps_since_stop": None if car.in_pit else laps - car.stint_start_lap,
    }


# Passing numbers remembered per session to tell a late resend from a second copy, and passing
# times kept per car to put a late one in its place: enough for any resend, bounded for a 24-hour
# race (the engine state is stored with every change).
SEEN_PASSINGS = 1024
KEPT_PASSINGS = 100


def _transponder_passing(state: State, event: TransponderPassing) -> bool:
    decoder = str(event.decoder_id or 0)
    if event.passing_no is not None and not _new_passing(state, decoder, event):
        state.duplicates += 1
        return False
    car = next((c for c in state.cars.values() if c.transponder == event.transponder), None)
    if car is None:
        car = _car(state, transponder_key(event.transponder))
        car.transponder = event.transponder
        car.number = car.number or str(event.transponder)
    pit_in = event.decoder_id in state.pit_in_decoders
    if pit_in or event.decoder_id in state.pit_out_decoders:
        # A pit-lane loop: the car enters or leaves the pits; no lap is completed here.
        return _pit(car, pit_in, event.time_us // 1000)
    if state.start_us is None:
        state.start_us = event.time_us
    elif event.time_us < state.start_us:
        # A late passing from before the first one: every total is measured from it now.
        state.start_us = event.time_us
        for other in state.cars.values():
            if other.last_passing_us is not None and other.total_ms is not None:
                other.total_ms = _since_start(state, other.last_passing_us)
    if not car.passings_us and car.last_passing_us is not None:
        car.passings_us = [car.last_passing_us]
    times = car.passings_us
    at = bisect.bisect_left(times, event.time_us)
    if at == 0 and len(times) >= KEPT_PASSINGS:
        # Older than every passing still kept: its place cannot be found, it stays missed.
        state.missed_passings += 1
        return False
    # Within the minimum lap time of a passing that counted: two reads of one crossing (or a car
    # that never left the loop), not a lap.
    near = [times[i] for i in (at - 1, at) if 0 <= i < len(times)]
    if any(abs(event.time_us - t) // 1000 < state.min_lap_ms for t in near) or (
        at < len(times) and times[at] == event.time_us
    ):
        state.double_reads += 1
        return False
    times.insert(at, event.time_us)
    if len(times) > KEPT_PASSINGS:
        del times[0]
        at -= 1
    car.last_passing_us = times[-1]
    if len(times) == 1:
        # The first passing starts lap 1; it completes nothing.
        return True
    if at == len(times) - 1:
        lap_ms = (times[-1] - times[-2]) // 1000
        _complete_lap(car, lap_ms, _since_start(state, times[-1]), car.laps + 1)
    else:
        _late_passing(car, times, at)
        car.total_ms = _since_start(state, times[-1])
    return True


def _late_passing(car: Car, times: list[int], at: int) -> None:
    """A passing inserted at `times[at]`, before the car's last one: it splits the lap it fell in
    (or adds a first lap), and the laps after it are numbered one higher."""
    laps = car.laps + 1

    def number(index: int) -> int:
        return laps - (len(times) - 1 - index)

    if car.best_lap_no is not None:
        if at > 0 and car.best_lap_no == number(at):
            # The split lap was the best; both halves are shorter, one of them is the best now.
            car.best_lap_ms = car.best_lap_no = None
        elif at == 0 or car.best_lap_no > number(at):
            car.best_lap_no += 1
    for index in (at, at + 1):
        if index > 0:
            lap_ms, lap_no = (times[index] - times[index - 1]) // 1000, number(index)
            # On a tie the earlier lap is the best, as when the laps come in order.
            if car.best_lap_ms is None or (lap_ms, lap_no) < (
                car.best_lap_ms,
                car.best_lap_no or 0,
            ):
                car.best_lap_ms, car.best_lap_no = lap_ms, lap_no
    car.laps = laps
    car.last_lap_ms = (times[-1] - times[-2]) // 1000


def _since_start(state: State, time_us: int) -> int:
    start = time_us if state.start_us is None else state.start_us
    return (time_us - start) // 1000


def _new_passing(state: State, decoder: str, event: TransponderPassing) -> bool:
    """False for a passing already applied; a late one the feed never delivered is new."""
    assert event.passing_no is not None
    last = state.last_passing_no.get(decoder)
    last_us = state.last_passing_us.get(decoder)
    key = f"{decoder}:{event.passing_no}"
    seen_us = state.seen_passings.get(key)
    if last is not None and last_us is not None and event.passing_no <= last:
        if event.time_us > last_us:
            # A lower number with a later time is a decoder that restarted its numbering (power
            # cycle between sessions): the numbers seen before mean nothing any more.
            prefix = f"{decoder}:"
            for old in [k for k in state.seen_passings if k.startswith(prefix)]:
                del state.seen_passings[old]
        elif seen_us is not None or event.passing_no <= last - SEEN_PASSINGS:
            # Delivered before (or too old to tell): a resend.
            return False
        else:
            # A passing the decoder resent because the feed never delivered it: it fills a gap.
            state.missed_passings = max(0, state.missed_passings - 1)
            state.seen_passings[key] = event.time_us
            return True
    elif last is not None and event.passing_no > last + 1:
        state.missed_passings += event.passing_no - last - 1
    state.last_passing_no[decoder] = event.passing_no
    state.last_passing_us[decoder] = event.time_us
    state.seen_passings[key] = event.time_us
    if len(state.seen_passings) > SEEN_PASSINGS:
        del state.seen_passings[next(iter(state.seen_passings))]
    return True


# ---------------------------------------------------------------------------------------------
# Race control messages and the end of a race


def post_message(state: State, message: dict[str, Any]) -> None:
    """Put a public race-control message (a flat dict with an `id`) at the top of the board."""
    others = [m for m in state.messages if m.get("id") != message.get("id")]
    state.messages = [dict(message), *others][:BOARD_MESSAGES]


def withdraw_message(state: State, message_id: Any) -> bool:
    kept = [m for m in state.messages if m.get("id") != message_id]
    changed = len(kept) != len(state.messages)
    state.messages = kept
    return changed


# Flags under which the heartbeat's laps-to-go and time-to-go describe a race being run.
_RUNNING_FLAGS = frozenset({"green", "yellow", "red", "finish"})
NO_LAP_LIMIT = 9999


def _leader(state: State) -> _Line | None:
    lines = [_line(car) for car in state.cars.values() if _visible(car, True)]
    return min(lines, key=_race_key, default=None)


def _race_end(state: State, event: TimingEvent) -> None:
    """Follow the end of a race (docs/race-control.md, "White flag and finish").

    A heartbeat under a running flag fixes the leader's last lap from laps-to-go (leader's laps +
    laps to go) and the planned end of a timed race (elapsed + time to go). The leader takes the
    chequered flag when it completes its last lap and the feed counts 0 laps to go, at its first
    crossing at or after the end of a timed race, or when the feed shows the chequered flag.
    From then on every car's next crossing finishes it.
    """
    if state.mode != RACE or state.finish_ms is not None:
        return
    running = state.flag in _RUNNING_FLAGS
    leader = _leader(state)
    if isinstance(event, Heartbeat) and running:
        if event.time_to_go_ms:
            state.race_end_ms = (event.elapsed_ms or 0) + event.time_to_go_ms
        if event.laps_to_go is not None and event.laps_to_go < NO_LAP_LIMIT and leader:
            state.final_lap = leader.laps + event.laps_to_go
    if leader is None or leader.laps == 0 or leader.total_ms is None:
        return
    by_laps = (
        state.final_lap is not None and leader.laps >= state.final_lap and state.laps_to_go == 0
    )
    by_time = state.race_end_ms is not None and leader.total_ms >= state.race_end_ms
    if by_laps or by_time or state.flag == "finish":
        state.finish_ms = leader.total_ms
        state.final_lap = leader.laps


def race_end(state: State, leader: dict[str, Any] | None) -> dict[str, Any]:
    """The board's `final_lap`, `white_flag` and `chequered`, given its first row.

    In a timed race the last lap is predicted from the leader's last lap time until the time is
    up: the lap in progress when time runs out is the last one.
    """
    chequered = state.finish_ms is not None
    final_lap = state.final_lap
    if leader is not None and not chequered and state.race_end_ms is not None:
        laps, total, lap_ms = leader["laps"], leader["total_ms"], leader["last_lap_ms"]
        predicted: int | None = None
        if state.elapsed_ms is not None and state.elapsed_ms >= state.race_end_ms:
            predicted = laps + 1
        elif total is not None and lap_ms:
            predicted = laps + max(1, math.ceil((state.race_end_ms - total) / lap_ms))
        if predicted is not None and (final_lap is None or predicted < final_lap):
            final_lap = predicted
    if state.mode != RACE:
        final_lap = None
    white = (
        not chequered
        and final_lap is not None
        and leader is not None
        and leader["laps"] == final_lap - 1
    )
    return {"final_lap": final_lap, "white_flag": white, "chequered": chequered}


# ---------------------------------------------------------------------------------------------
# Rendering


@dataclass(frozen=True)
class _Line:
    car: Car
    laps: int
    total_ms: int | None
    best_lap_ms: int | None
    best_lap_no: int | None


def _line(car: Car) -> _Line:
    laps = car.feed_laps if car.feed_laps is not None else car.laps
    total = car.feed_total_ms if car.feed_race_position is not None else car.total_ms
    best: int | None
    best_no: int | None
    if car.feed_best_authority or car.feed_best_lap_ms is not None:
        best, best_no = car.feed_best_lap_ms, car.feed_best_lap_no
    else:
        best, best_no = car.best_lap_ms, car.best_lap_no
    return _Line(car, laps, total, best, best_no)


_FAR = 1 << 62


def _race_key(line: _Line) -> tuple[Any, ...]:
    position = line.car.feed_race_position
    return (
        position is None,
        position if position is not None else 0,
        -line.laps,
        line.total_ms is None,
        line.total_ms if line.total_ms is not None else _FAR,
        line.car.key,
    )


def _practice_key(line: _Line) -> tuple[Any, ...]:
    position = line.car.feed_practice_position
    return (
        line.best_lap_ms is None,
        position is None,
        position if position is not None else 0,
        line.best_lap_ms if line.best_lap_ms is not None else _FAR,
        line.car.key,
    )


def _visible(car: Car, race: bool) -> bool:
    # Orbits keeps sending `$H` placeholder rows for cars no longer in the session (no
    # competitor record, no time, no laps); they are not on the board. A `$G` row is the race
    # order itself: a car it places is in the race even before it has a name or a time.
    if car.contradicted:
        return False
    return (
        car.known
        or (race and car.feed_race_position is not None)
        or car.laps > 0
        or bool(car.feed_laps)
        or car.total_ms is not None
        or car.feed_total_ms is not None
        or car.feed_best_lap_ms is not None
        or car.best_lap_ms is not None
    )


def _difference(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a - b


def _race_gap(line: _Line, reference: _Line) -> tuple[int | None, int | None]:
    """(ms, laps) behind `reference`: ms on the same lap, whole laps otherwise."""
    if line.total_ms is None:
        return None, None
    laps_down = reference.laps - line.laps
    if laps_down > 0:
        return None, laps_down
    return _difference(line.total_ms, reference.total_ms), 0


def _practice_gap(line: _Line, reference: _Line) -> tuple[int | None, int | None]:
    if line.best_lap_ms is None:
        return None, None
    return _difference(line.best_lap_ms, reference.best_lap_ms), 0


def rows(state: State) -> list[dict[str, Any]]:
    race = state.mode == RACE
    lines = [_line(car) for car in state.cars.values() if _visible(car, race)]
    lines.sort(key=_race_key if race else _practice_key)
    gap = _race_gap if race else _practice_gap
    session_best = min((ln.best_lap_ms for ln in lines if ln.best_lap_ms is not None), default=None)
    class_counts: dict[str, int] = {}
    result = []
    for index, line in enumerate(lines):
        car = line.car
        class_name = car.class_name or (
            state.classes.get(str(car.class_no), "") if car.class_no is not None else ""
        )
        class_counts[class_name] = class_counts.get(class_name, 0) + 1
        gap_ms: int | None
        gap_laps: int | None
        interval_ms: int | None
        interval_laps: int | None
        if index == 0:
            gap_ms, gap_laps, interval_ms, interval_laps = None, 0, None, 0
        else:
            gap_ms, gap_laps = gap(line, lines[0])
            interval_ms, interval_laps = gap(line, lines[index - 1])
        result.append(
            {
                "key": car.key,
                "position": index + 1,
                "number": car.number,
                "name": car.name,
                "class": class_name,
                "class_position": class_counts[class_name],
                "laps": line.laps,
                "total_ms": line.total_ms,
                "last_lap_ms": car.last_lap_ms,
                "best_lap_ms": line.best_lap_ms,
                "best_lap_no": line.best_lap_no,
                "gap_ms": gap_ms,
                "gap_laps": gap_laps,
                "interval_ms": interval_ms,
                "interval_laps": interval_laps,
                "pb": car.last_lap_ms is not None
                and line.best_lap_ms is not None
                and car.last_lap_ms <= line.best_lap_ms,
                "sb": line.best_lap_ms is not None and line.best_lap_ms == session_best,
                "in_pit": car.in_pit,
                "finished": state.finish_ms is not None
                and line.total_ms is not None
                and line.total_ms >= state.finish_ms,
                "stops": len(car.stops),
                "stint_laps": None if car.in_pit else line.laps - car.stint_start_lap,
            }
        )
    return result


def snapshot(state: State, *, seq: int, session: dict[str, Any]) -> dict[str, Any]:
    """The board as spectators see it; `session` is `{"id", "name", "mode"}`."""
    board = rows(state)
    return {
        "seq": seq,
        "flag": state.flag,
        "laps_to_go": state.laps_to_go,
        "time_to_go_ms": state.time_to_go_ms,
        "elapsed_ms": state.elapsed_ms,
        "session": dict(session),
        **race_end(state, board[0] if board else None),
        "messages": [dict(message) for message in state.messages],
        "rows": board,
    }


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any] | None:
    """The delta body turning snapshot `old` into `new`, or None when nothing changed."""
    delta: dict[str, Any] = {}
    changed_fields = {k: new.get(k) for k in TOP_LEVEL_FIELDS if old.get(k) != new.get(k)}
    if changed_fields:
        delta["fields"] = changed_fields
    old_rows = {row["key"]: row for row in old.get("rows", [])}
    changed_rows = []
    for row in new.get("rows", []):
        before = old_rows.get(row["key"])
        if before is None:
            changed_rows.append(dict(row))
            continue
        changes = {k: v for k, v in row.items() if k not in before or before[k] != v}
        if changes:
            changed_rows.append({"key": row["key"], **changes})
    if changed_rows:
        delta["rows"] = changed_rows
    order = [row["key"] for row in new.get("rows", [])]
    if order != [row["key"] for row in old.get("rows", [])]:
        delta["order"] = order
    return delta or None


def apply_delta(snapshot_: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    """What a spectator does with a delta: the inverse of `diff`."""
    result = {k: v for k, v in snapshot_.items() if k != "rows"}
    result.update(delta.get("fields", {}))
    if "seq" in delta:
        result["seq"] = delta["seq"]
    by_key = {row["key"]: dict(row) for row in snapshot_.get("rows", [])}
    for change in delta.get("rows", []):
        by_key.setdefault(change["key"], {}).update(change)
    order = delta.get("order", [row["key"] for row in snapshot_.get("rows", [])])
    result["rows"] = [by_key[key] for key in order]
    return result
