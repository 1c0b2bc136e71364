"""Ties on points are broken by countback: most wins, then most seconds, and so on."""

from __future__ import annotations

from events.engine.points import PointsScale, Round, RoundLine, Rules, Status, compute_standings

C = Status.CLASSIFIED


def standings(results: list[list[str]], scale: PointsScale) -> list[tuple[int, str, int, bool]]:
    rounds = [
        Round(
            key=f"r{number}",
            lines=tuple(RoundLine(name, C, position=pos) for pos, name in enumerate(order, 1)),
        )
        for number, order in enumerate(results, start=1)
    ]
    rows = compute_standings(rounds, Rules(scale=scale))[""]
    return [(row.position, row.competitor, row.total, row.tied) for row in rows]


def test_equal_points_go_to_the_competitor_with_more_wins() -> None:
    scale = PointsScale(positions=(10, 5, 0))
    # a: 10 + 0 + 0 = 10 with one win; b: 5 + 5 = 10 with none.
    result = standings([["a", "b", "c"], ["c", "b", "a"], ["c", "x", "a"]], scale)
    assert result[:3] == [(1, "c", 20, False), (2, "a", 10, False), (3, "b", 10, False)]


def test_equal_wins_go_to_the_competitor_with_more_second_places() -> None:
    scale = PointsScale(positions=(6, 3, 2, 1))
    # a: 6 + 2 + 1 = 9 (1,3,4); b: 6 + 3 + 0 = 9 (1,2,-)
    result = standings([["a", "b", "c", "d"], ["b", "c", "a", "d"], ["c", "d", "x", "a"]], scale)
    by_name = {name: (position, total) for position, name, total, _ in result}
    assert by_name["a"][1] == by_name["b"][1] == 9
    assert by_name["b"][0] < by_name["a"][0]


def test_competitors_equal_on_points_and_countback_share_the_position() -> None:
    scale = PointsScale(positions=(10, 5))
    result = standings([["a", "b"], ["b", "a"]], scale)
    assert result == [(1, "a", 15, True), (1, "b", 15, True)]


def test_the_next_position_after_a_shared_one_skips_the_shared_places() -> None:
    scale = PointsScale(positions=(10, 5, 1))
    result = standings([["a", "b", "c"], ["b", "a", "c"]], scale)
    assert [(position, name) for position, name, _, _ in result] == [(1, "a"), (1, "b"), (3, "c")]
