"""Timing events: what every adapter (RMonitor, P3, simulator) turns bytes into.

Pure dataclasses, no Django. Times are integer milliseconds (P3 passings keep the decoder's
microseconds), and `None` always means "no time", never zero.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Heartbeat:
    """RMonitor `$F`: clock and flag, sent every second."""

    laps_to_go: int | None
    time_to_go_ms: int | None
    time_of_day_ms: int | None
    elapsed_ms: int | None
    flag: str  # one of FLAGS


@dataclass(frozen=True)
class Competitor:
    """RMonitor `$A` / `$COMP`, or a transponder resolved to an entry or an ad hoc row."""

    reg_no: str
    number: str
    first_name: str = ""
    last_name: str = ""
    class_no: int | None = None
    # A number, or the code of an alphanumeric transponder (`NE4`, `NF-10567`) as sent.
    transponder: int | str | None = None
    nationality: str = ""
    additional: str = ""
    # Set when the class comes by name (an entry, an ad hoc row) rather than an RMonitor `$C` number.
    class_name: str = ""


@dataclass(frozen=True)
class RunInfo:
    """RMonitor `$B`."""

    run_no: int | None
    description: str


@dataclass(frozen=True)
class ClassInfo:
    """RMonitor `$C`."""

    class_no: int
    description: str


@dataclass(frozen=True)
class Setting:
    """RMonitor `$E` (TRACKNAME, TRACKLENGTH)."""

    name: str
    value: str


@dataclass(frozen=True)
class RaceRow:
    """RMonitor `$G`: the timing system's own race order."""

    position: int
    reg_no: str
    # None: the feed's lap count could not be read, so the last known one stands.
    laps: int | None
    total_ms: int | None


@dataclass(frozen=True)
class PracticeRow:
    """RMonitor `$H`: the timing system's own practice/qualifying order."""

    position: int
    reg_no: str
    best_lap_no: int | None
    best_lap_ms: int | None


@dataclass(frozen=True)
class Reset:
    """RMonitor `$I`: the timing system re-initialised its scoreboard (docs/timing.md: reset
    semantics; within one session the last known board is kept)."""

    time_of_day: str = ""
    date: str = ""


@dataclass(frozen=True)
class LapPassing:
    """RMonitor `$J` (and the simulator): a lap just completed by `reg_no`."""

    reg_no: str
    lap_ms: int | None
    total_ms: int | None


@dataclass(frozen=True)
class Correction:
    """RMonitor `$COR`: corrected finish."""

    reg_no: str
    number: str
    laps: int | None
    total_ms: int | None
    correction: str


@dataclass(frozen=True)
class LineCrossing:
    """RMonitor IMSA `$L`: a car crossed a timing line (track or pit lane)."""

    car: str
    line: str
    line_name: str
    date: str = ""
    time: str = ""


@dataclass(frozen=True)
class TransponderPassing:
    """P3 PASSING: one read of a transponder at the loop."""

    passing_no: int | None
    transponder: int
    time_us: int
    strength: int | None = None
    hits: int | None = None
    flags: int | None = None
    decoder_id: int | None = None


@dataclass(frozen=True)
class DecoderStatus:
    """P3 STATUS: decoder health, not applied to standings."""

    noise: int | None = None
    gps: int | None = None
    temperature_decidegrees: int | None = None
    input_voltage: int | None = None
    decoder_id: int | None = None


@dataclass(frozen=True)
class PitMark:
    """Staff marked a car into or out of the pit lane (the feed has no pit loop for it).

    `car` is the board row's key or its car number; `at_ms` is milliseconds since the Unix epoch.
    """

    car: str
    pit_in: bool
    at_ms: int


TimingEvent = (
    Heartbeat
    | Competitor
    | RunInfo
    | ClassInfo
    | Setting
    | RaceRow
    | PracticeRow
    | Reset
    | LapPassing
    | Correction
    | LineCrossing
    | TransponderPassing
    | DecoderStatus
    | PitMark
)

FLAGS = ("green", "yellow", "red", "finish", "none")
