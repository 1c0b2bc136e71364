"""Properties of the classification and the standings over generated seasons."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from events.engine.points import (
    Line,
    PointsScale,
    Round,
    RoundLine,
    Rules,
    Standing,
    Status,
    classify,
    compute_standings,
    standing_key,
)

COMPETITORS = ["a", "b", "c", "d", "e", "f"]
STATUSES = st.sampled_from(list(Status))

scales = st.builds(
    PointsScale,
    positions=st.lists(st.integers(0, 30), max_size=8).map(
        lambda values: tuple(sorted(values, reverse=True))
    ),
    pole=st.integers(0, 3),
    fastest_lap=st.integers(0, 3),
    fastest_lap_top=st.integers(0, 5),
    finishing=st.integers(0, 2),
    starting=st.integers(0, 2),
)


@st.composite
def a_round(draw: st.DrawFn, key: str) -> Round:
    names = draw(st.lists(st.sampled_from(COMPETITORS), unique=True, min_size=1))
    statuses = draw(st.lists(STATUSES, min_size=len(names), max_size=len(names)))
    classes = draw(st.lists(st.sampled_from(["", "R"]), min_size=len(names), max_size=len(names)))
    laps = draw(st.lists(st.integers(55_000, 60_000), min_size=len(names), max_size=len(names)))
    pole = draw(st.sampled_from([None, *names]))
    lines = []
    position = 0
    for name, status, class_code, best in zip(names, statuses, classes, laps, strict=True):
        if status is Status.CLASSIFIED:
            position += 1
        lines.append(
            RoundLine(
                name,
                status,
                position=position if status is Status.CLASSIFIED else None,
                class_code=class_code,
                best_lap_ms=best,
                best_lap_no=1,
                pole=name == pole,
            )
        )
    return Round(key=key, lines=tuple(lines))


seasons = st.integers(1, 5).flatmap(
    lambda count: st.tuples(*(a_round(f"r{number}") for number in range(count)))
)


def summary(standings: dict[str, list[Standing]]) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {
        (class_code, row.competitor): (row.position, row.total, row.gross)
        for class_code, rows in standings.items()
        for row in rows
    }


@settings(max_examples=100, deadline=None)
@given(season=seasons, scale=scales, drops=st.integers(0, 3), data=st.data())
def test_standings_do_not_depend_on_the_order_of_the_rounds(
    season: tuple[Round, ...], scale: PointsScale, drops: int, data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(season))
    rules = Rules(scale=scale, drop_worst=drops)
    assert summary(compute_standings(season, rules)) == summary(compute_standings(shuffled, rules))


@settings(max_examples=100, deadline=None)
@given(season=seasons, scale=scales, drops=st.integers(0, 4), dsq=st.booleans())
def test_dropping_one_more_round_never_increases_a_total(
    season: tuple[Round, ...], scale: PointsScale, drops: int, dsq: bool
) -> None:
    fewer = compute_standings(season, Rules(scale=scale, drop_worst=drops, dsq_droppable=dsq))
    more = compute_standings(season, Rules(scale=scale, drop_worst=drops + 1, dsq_droppable=dsq))
    before = summary(fewer)
    for key, (_, total, gross) in summary(more).items():
        assert total <= before[key][1]
        assert gross == before[key][2]


@settings(max_examples=100, deadline=None)
@given(season=seasons, scale=scales, drops=st.integers(0, 3))
def test_the_total_is_the_sum_of_the_rounds_kept(
    season: tuple[Round, ...], scale: PointsScale, drops: int
) -> None:
    for rows in compute_standings(season, Rules(scale=scale, drop_worst=drops)).values():
        for row in rows:
            assert row.total == sum(score.points for score in row.scores if not score.dropped)
            assert len(row.scores) == len(season)
            kept = [score for score in row.scores if not score.dropped]
            assert len(kept) >= min(1, len(season))


@settings(max_examples=100, deadline=None)
@given(season=seasons, scale=scales, drops=st.integers(0, 3))
def test_countback_ranks_form_a_total_order(
    season: tuple[Round, ...], scale: PointsScale, drops: int
) -> None:
    for rows in compute_standings(season, Rules(scale=scale, drop_worst=drops)).values():
        keys = [standing_key(row) for row in rows]
        assert keys == sorted(keys, reverse=True)
        for row, key in zip(rows, keys, strict=True):
            better = sum(1 for other in keys if other > key)
            assert row.position == better + 1
            assert row.tied == (keys.count(key) > 1)


@st.composite
def sessions(draw: st.DrawFn) -> list[Line]:
    count = draw(st.integers(1, 8))
    lines = []
    for index in range(count):
        laps = draw(st.integers(0, 12))
        lines.append(
            Line(
                key=str(index),
                status=draw(STATUSES),
                road_position=index + 1,
                laps=laps,
                total_ms=laps * 60_000 + draw(st.integers(0, 50_000)),
                penalty_ms=draw(st.sampled_from([0, 0, 5_000, 30_000])),
                penalty_positions=draw(st.sampled_from([0, 0, 1, 3])),
            )
        )
    # On the road, more laps come first and equal laps are in time order.
    lines.sort(key=lambda line: (-(line.laps or 0), line.total_ms))
    return [replace(line, road_position=index + 1) for index, line in enumerate(lines)]


@settings(max_examples=120, deadline=None)
@given(lines=sessions())
def test_penalties_never_promote_the_penalised_car(lines: list[Line]) -> None:
    result = classify(lines)
    classified = [line for line in result if line.position is not None]
    assert [line.position for line in classified] == list(range(1, len(classified) + 1))
    assert all(line.status is Status.CLASSIFIED for line in classified)
    assert {line.key for line in result} == {line.key for line in lines}
    road = sorted(
        (line for line in lines if line.status is Status.CLASSIFIED),
        key=lambda line: line.road_position or 0,
    )
    penalised = {line.key for line in road if line.penalty_ms or line.penalty_positions}
    position = {line.key: line.position for line in classified}
    for index, line in enumerate(lines):
        if line.key in penalised:
            # The same race with this car's own penalty lifted: it cannot have done better.
            lifted = [*lines[:index], replace(line, penalty_ms=0, penalty_positions=0)]
            lifted += lines[index + 1 :]
            without = {row.key: row.position for row in classify(lifted)}
            assert position[line.key] >= without[line.key]
    clean = [line.key for line in classified if line.key not in penalised]
    assert clean == [line.key for line in road if line.key not in penalised]
