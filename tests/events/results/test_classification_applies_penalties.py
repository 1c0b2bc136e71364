"""The classification: statuses, time and position penalties, gaps and the fastest lap."""

from __future__ import annotations

from dataclasses import replace

import pytest

from events.engine.points import ClassificationError, Line, Status, classify

C = Status.CLASSIFIED


def race(*specs: tuple[str, int, int]) -> list[Line]:
    """Classified lines from (car, laps, total_ms), in that road order."""
    return [
        Line(key=key, status=C, road_position=index + 1, laps=laps, total_ms=total)
        for index, (key, laps, total) in enumerate(specs)
    ]


def order(lines: list[Line]) -> list[tuple[str, int | None]]:
    return [(line.key, line.position) for line in classify(lines)]


def test_without_penalties_the_road_order_stands() -> None:
    lines = race(("7", 10, 600_000), ("3", 10, 601_000), ("12", 9, 590_000))
    assert order(lines) == [("7", 1), ("3", 2), ("12", 3)]


def test_a_time_penalty_drops_a_car_behind_every_car_it_no_longer_beats() -> None:
    lines = race(("7", 10, 600_000), ("3", 10, 601_000), ("5", 10, 604_000), ("9", 10, 606_000))
    lines[0] = replace(lines[0], penalty_ms=5_000)
    result = classify(lines)
    assert [(r.key, r.position) for r in result] == [("3", 1), ("5", 2), ("7", 3), ("9", 4)]
    assert result[2].total_ms == 605_000
    assert result[2].positions_lost == 2
    assert result[0].positions_lost == 0


def test_a_dead_heat_after_a_time_penalty_goes_against_the_penalised_car() -> None:
    lines = race(("7", 10, 600_000), ("3", 10, 601_000))
    lines[0] = replace(lines[0], penalty_ms=1_000)
    assert order(lines) == [("3", 1), ("7", 2)]


def test_a_time_penalty_never_drops_a_car_behind_cars_a_lap_down() -> None:
    lines = race(("7", 10, 600_000), ("3", 10, 601_000), ("5", 9, 540_000))
    lines[0] = replace(lines[0], penalty_ms=120_000)
    assert order(lines) == [("3", 1), ("7", 2), ("5", 3)]


def test_a_position_penalty_moves_a_car_down_that_many_places() -> None:
    lines = race(("7", 10, 1), ("3", 10, 2), ("5", 10, 3), ("9", 10, 4))
    lines[0] = replace(lines[0], penalty_positions=2)
    result = classify(lines)
    assert [(r.key, r.position) for r in result] == [("3", 1), ("5", 2), ("7", 3), ("9", 4)]
    assert result[2].positions_lost == 2


def test_a_position_penalty_stops_at_the_last_classified_place() -> None:
    lines = race(("7", 10, 1), ("3", 10, 2))
    lines[0] = replace(lines[0], penalty_positions=5)
    lines.append(Line(key="DNF", status=Status.DNF, laps=3))
    assert order(lines) == [("3", 1), ("7", 2), ("DNF", None)]


def test_two_position_penalties_keep_both_cars_in_their_own_order() -> None:
    lines = race(("A", 10, 1), ("B", 10, 2), ("C", 10, 3), ("D", 10, 4))
    lines[0] = replace(lines[0], penalty_positions=1)
    lines[1] = replace(lines[1], penalty_positions=1)
    assert order(lines) == [("A", 1), ("C", 2), ("B", 3), ("D", 4)]


def test_unclassified_cars_are_listed_after_the_classified_ones_without_a_position() -> None:
    lines = [
        Line(key="dns", status=Status.DNS),
        Line(key="dsq", status=Status.DSQ, road_position=1, laps=10, total_ms=599_000),
        Line(key="dnf-short", status=Status.DNF, laps=2),
        Line(key="dnf-long", status=Status.DNF, laps=8),
        Line(key="nc", status=Status.NC, laps=4),
        Line(key="win", status=C, road_position=2, laps=10, total_ms=600_000),
    ]
    assert order(lines) == [
        ("win", 1),
        ("nc", None),
        ("dnf-long", None),
        ("dnf-short", None),
        ("dsq", None),
        ("dns", None),
    ]


def test_a_disqualified_winner_promotes_everyone_behind() -> None:
    lines = race(("7", 10, 600_000), ("3", 10, 601_000), ("5", 10, 602_000))
    lines[0] = replace(lines[0], status=Status.DSQ)
    result = classify(lines)
    assert [(r.key, r.position) for r in result] == [("3", 1), ("5", 2), ("7", None)]
    assert result[1].gap_ms == 1_000


def test_gaps_are_in_time_on_the_lead_lap_and_in_laps_behind_it() -> None:
    result = classify(race(("7", 10, 600_000), ("3", 10, 601_250), ("5", 8, 500_000)))
    assert (result[0].gap_ms, result[0].gap_laps) == (None, None)
    assert (result[1].gap_ms, result[1].interval_ms) == (1_250, 1_250)
    assert (result[2].gap_ms, result[2].gap_laps, result[2].interval_laps) == (None, 2, 2)


def test_the_fastest_lap_goes_to_the_car_that_set_the_time_first() -> None:
    lines = [
        Line(key="7", status=C, road_position=1, laps=10, best_lap_ms=59_000, best_lap_no=8),
        Line(key="3", status=C, road_position=2, laps=10, best_lap_ms=59_000, best_lap_no=4),
        Line(key="5", status=Status.DSQ, laps=10, best_lap_ms=58_000, best_lap_no=2),
    ]
    flags = {line.key: line.fastest_lap for line in classify(lines)}
    assert flags == {"7": False, "3": True, "5": False}


@pytest.mark.parametrize(
    ("lines", "message", "key"),
    [
        (
            [Line(key="7", status=C, road_position=1), Line(key="7", status=Status.DNF)],
            "duplicate car",
            "7",
        ),
        (
            [Line(key="7", status=C, road_position=1), Line(key="3", status=C, road_position=1)],
            "duplicate position",
            "3",
        ),
        ([Line(key="7", status=C)], "needs a position", "7"),
        (
            [Line(key="7", status=C, road_position=1, laps=3, penalty_ms=5000)],
            "needs a total time",
            "7",
        ),
        ([Line(key="7", status=C, road_position=1, penalty_positions=-1)], "negative", "7"),
    ],
)
def test_inconsistent_lines_are_refused_naming_the_car(
    lines: list[Line], message: str, key: str
) -> None:
    with pytest.raises(ClassificationError, match=message) as error:
        classify(lines)
    assert error.value.key == key


def test_practice_and_qualifying_gaps_are_between_best_laps() -> None:
    lines = [
        Line(key="7", status=C, road_position=1, laps=6, best_lap_ms=89_100),
        Line(key="23", status=C, road_position=2, laps=8, best_lap_ms=89_350),
        Line(key="5", status=C, road_position=3, laps=3, best_lap_ms=90_000),
    ]
    result = classify(lines, best_lap_gaps=True)
    assert [(r.key, r.gap_ms, r.gap_laps, r.interval_ms) for r in result] == [
        ("7", None, None, None),
        ("23", 250, None, 250),
        ("5", 900, None, 650),
    ]
