"""One round scored with a points scale held as data."""

from __future__ import annotations

import pytest

from events.engine.points import PointsScale, Round, RoundLine, Status, score_round

C = Status.CLASSIFIED
SCALE = PointsScale(
    positions=(25, 18, 15), pole=3, fastest_lap=2, fastest_lap_top=2, finishing=1, starting=1
)


def points(*lines: RoundLine, scale: PointsScale = SCALE) -> dict[str, int]:
    return {
        competitor: score.points
        for (_, competitor), score in score_round(Round(key="r1", lines=lines), scale).items()
    }


def test_position_points_come_from_the_scale_and_run_out_after_its_last_place() -> None:
    scale = PointsScale(positions=(10, 6))
    result = points(
        RoundLine("a", C, position=1),
        RoundLine("b", C, position=2),
        RoundLine("c", C, position=3),
        scale=scale,
    )
    assert result == {"a": 10, "b": 6, "c": 0}


def test_finishing_and_starting_points_reward_taking_part() -> None:
    scale = PointsScale(positions=(), finishing=2, starting=1)
    result = points(
        RoundLine("fin", C, position=1),
        RoundLine("nc", Status.NC),
        RoundLine("dnf", Status.DNF),
        RoundLine("dsq", Status.DSQ),
        RoundLine("dns", Status.DNS),
        scale=scale,
    )
    assert result == {"fin": 3, "nc": 1, "dnf": 1, "dsq": 0, "dns": 0}


def test_pole_scores_unless_disqualified() -> None:
    scale = PointsScale(positions=(10,), pole=3)
    assert points(RoundLine("a", C, position=1, pole=True), scale=scale) == {"a": 13}
    assert points(RoundLine("a", Status.DNF, pole=True), scale=scale) == {"a": 3}
    assert points(RoundLine("a", Status.DSQ, pole=True), scale=scale) == {"a": 0}


def test_the_fastest_lap_point_needs_a_top_place_when_the_scale_says_so() -> None:
    result = points(
        RoundLine("a", C, position=1, best_lap_ms=60_000),
        RoundLine("b", C, position=2, best_lap_ms=61_000),
        RoundLine("c", C, position=3, best_lap_ms=59_000),
    )
    # c set the fastest lap but finished third; nobody else gets the point.
    assert result == {"a": 25 + 1 + 1, "b": 18 + 1 + 1, "c": 15 + 1 + 1}
    anyone = PointsScale(positions=(25, 18, 15), fastest_lap=2)
    assert points(
        RoundLine("a", C, position=1, best_lap_ms=60_000),
        RoundLine("c", C, position=3, best_lap_ms=59_000),
        scale=anyone,
    ) == {"a": 25, "c": 18 + 2}


def test_a_retired_car_with_the_fastest_lap_scores_no_fastest_lap_point() -> None:
    scale = PointsScale(positions=(10,), fastest_lap=1)
    result = points(
        RoundLine("a", C, position=1, best_lap_ms=60_000),
        RoundLine("b", Status.DNF, best_lap_ms=59_000),
        scale=scale,
    )
    assert result == {"a": 10, "b": 0}


def test_positions_and_fastest_laps_count_within_each_class() -> None:
    scale = PointsScale(positions=(10, 6), fastest_lap=1)
    round_ = Round(
        key="r1",
        lines=(
            RoundLine("pro1", C, position=1, class_code="PRO", best_lap_ms=58_000),
            RoundLine("rook1", C, position=2, class_code="ROOKIE", best_lap_ms=61_000),
            RoundLine("pro2", C, position=3, class_code="PRO", best_lap_ms=59_000),
            RoundLine("rook2", C, position=4, class_code="ROOKIE", best_lap_ms=60_000),
        ),
    )
    scores = score_round(round_, scale)
    assert scores[("PRO", "pro1")].points == 11
    assert scores[("PRO", "pro2")].points == 6
    assert scores[("ROOKIE", "rook1")].points == 10
    assert scores[("ROOKIE", "rook2")].class_position == 2
    assert scores[("ROOKIE", "rook2")].points == 7


@pytest.mark.parametrize("field", ["positions", "pole", "finishing"])
def test_a_negative_value_in_a_scale_is_refused(field: str) -> None:
    value: object = (10, -1) if field == "positions" else -1
    with pytest.raises(ValueError, match="negative"):
        PointsScale(**{field: value})  # type: ignore[arg-type]
