"""Geometry of the lap chart and the lap-times chart, drawn as inline SVG by a template.

Pure: car -> laps in, coordinates out. No Django, no scripts in the page: the server computes
every point, and the SVG scales to the width of a phone through its viewBox.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

# Twelve colours that stay apart on light and dark backgrounds; after twelve cars the dash
# pattern changes so that two cars never share both.
PALETTE = (
    "#e6194b",
    "#3cb44b",
    "#4363d8",
    "#f58231",
    "#911eb4",
    "#42d4f4",
    "#f032e6",
    "#9a6324",
    "#808000",
    "#469990",
    "#dcbeff",
    "#800000",
)
DASHES = ("", "6 3", "2 3", "8 3 2 3")

WIDTH = 400  # drawn about 1:1 on a phone, so 11 px labels stay readable
LEFT = 44
RIGHT = 30
TOP = 12
BOTTOM = 28
ROW = 18  # px per position in the lap chart: big enough for a label on a phone


@dataclass(frozen=True)
class Series:
    car: str
    color: str
    dash: str
    points: str  # "x,y x,y ..." for <polyline points>
    end_x: float
    end_y: float
    start_x: float
    start_y: float


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    series: tuple[Series, ...]


def _style(index: int) -> tuple[str, str]:
    return PALETTE[index % len(PALETTE)], DASHES[(index // len(PALETTE)) % len(DASHES)]


def _lap_ticks(max_lap: int, x_of: Callable[[float], float]) -> tuple[Tick, ...]:
    step = max(1, -(-max_lap // 10))  # at most about ten labels across a phone
    laps = list(range(step, max_lap + 1, step))
    if 1 not in laps:
        laps.insert(0, 1)
    return tuple(Tick(at=round(x_of(lap), 1), label=str(lap)) for lap in laps)


def _series(
    cars: Sequence[tuple[str, Sequence[tuple[int, float]]]],
    x_of: Callable[[float], float],
    y_of: Callable[[float], float],
) -> tuple[Series, ...]:
    result = []
    for index, (car, points) in enumerate(cars):
        if not points:
            continue
        color, dash = _style(index)
        xy = [(round(x_of(lap), 1), round(y_of(value), 1)) for lap, value in points]
        result.append(
            Series(
                car=car,
                color=color,
                dash=dash,
                points=" ".join(f"{x},{y}" for x, y in xy),
                start_x=xy[0][0],
                start_y=xy[0][1],
                end_x=xy[-1][0],
                end_y=xy[-1][1],
            )
        )
    return tuple(result)


def _x_scale(max_lap: int) -> Callable[[float], float]:
    span = WIDTH - LEFT - RIGHT
    if max_lap <= 1:
        return lambda lap: LEFT + span / 2
    return lambda lap: LEFT + (lap - 1) * span / (max_lap - 1)


def lap_chart(laps: Mapping[str, Sequence[tuple[int, int | None]]]) -> Chart | None:
    """Position by lap: car -> [(lap, position)], the leader on top."""
    cars = [
        (car, sorted((lap, position) for lap, position in rows if position is not None))
        for car, rows in laps.items()
    ]
    cars = [(car, rows) for car, rows in cars if rows]
    if not cars:
        return None
    # Order the legend by the first lap's running order, as a lap chart is read.
    cars.sort(key=lambda item: (item[1][0][1], item[0]))
    max_lap = max(rows[-1][0] for _, rows in cars)
    max_position = max(position for _, rows in cars for _, position in rows)
    height = TOP + BOTTOM + ROW * max_position
    x_of = _x_scale(max_lap)

    def y_of(position: float) -> float:
        return TOP + ROW * (position - 0.5)

    return Chart(
        width=WIDTH,
        height=height,
        left=LEFT,
        top=TOP,
        right=WIDTH - RIGHT,
        bottom=height - BOTTOM,
        x_ticks=_lap_ticks(max_lap, x_of),
        y_ticks=tuple(
            Tick(at=round(y_of(position), 1), label=str(position))
            for position in range(1, max_position + 1)
        ),
        series=_series(
            [(car, [(lap, float(p)) for lap, p in rows]) for car, rows in cars], x_of, y_of
        ),
    )


def lap_time_chart(
    laps: Mapping[str, Sequence[tuple[int, int | None]]],
    format_time: Callable[[int], str],
    *,
    ceiling: float = 1.15,
) -> Chart | None:
    """Lap time by lap: car -> [(lap, ms)].

    Laps slower than ``ceiling`` times the fastest (pit stops, yellow flags) are drawn on the top
    edge, so that one slow lap does not flatten everyone else's line.
    """
    cars = [
        (car, sorted((lap, ms) for lap, ms in rows if ms is not None and ms > 0))
        for car, rows in laps.items()
    ]
    cars = [(car, rows) for car, rows in cars if rows]
    if not cars:
        return None
    cars.sort(key=lambda item: (min(ms for _, ms in item[1]), item[0]))
    fastest = min(ms for _, rows in cars for _, ms in rows)
    slowest = max(ms for _, rows in cars for _, ms in rows)
    top_ms = min(slowest, fastest * ceiling)
    if top_ms <= fastest:
        top_ms = fastest + 1000
    height = 220
    max_lap = max(rows[-1][0] for _, rows in cars)
    x_of = _x_scale(max_lap)
    plot_height = height - TOP - BOTTOM

    def y_of(ms: float) -> float:
        return TOP + plot_height * (top_ms - min(ms, top_ms)) / (top_ms - fastest)

    step = _time_step(top_ms - fastest)
    first = -(-int(fastest) // step) * step
    return Chart(
        width=WIDTH,
        height=height,
        left=LEFT,
        top=TOP,
        right=WIDTH - RIGHT,
        bottom=height - BOTTOM,
        x_ticks=_lap_ticks(max_lap, x_of),
        y_ticks=tuple(
            Tick(at=round(y_of(ms), 1), label=format_time(ms))
            for ms in range(first, int(top_ms) + 1, step)
        ),
        series=_series(
            [(car, [(lap, float(ms)) for lap, ms in rows]) for car, rows in cars], x_of, y_of
        ),
    )


def _time_step(span_ms: float) -> int:
    """A round tick step giving four to ten labels over the span."""
    for step in (100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 30_000, 60_000):
        if span_ms / step <= 8:
            return step
    return 120_000
