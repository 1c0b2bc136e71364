"""Properties of the kart-meeting engine over generated meetings."""

from __future__ import annotations

from itertools import pairwise, permutations

from hypothesis import given, settings
from hypothesis import strategies as st

from events.engine.karting import (
    Finish,
    GridOrder,
    HeatLine,
    HeatPoints,
    KartRules,
    draw_karts,
    drawn_order,
    grid_from_ranking,
    meetings,
    plan_heats,
    rank_after_heats,
)

names = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=4),
    unique=True,
    min_size=1,
    max_size=40,
)
seeds = st.text(max_size=12)


@given(names, seeds, st.randoms(use_true_random=False))
@settings(deadline=None)
def test_a_drawn_grid_is_a_permutation_fixed_by_the_seed(
    drivers: list[str], seed: str, shuffler
) -> None:
    grid = drawn_order(drivers, seed)
    assert sorted(grid) == sorted(drivers)
    arrived = list(drivers)
    shuffler.shuffle(arrived)
    assert drawn_order(arrived, seed) == grid


@given(names, seeds, st.integers(2, 34), st.sampled_from(list(GridOrder)))
@settings(max_examples=60, deadline=None)
def test_heat_plans_seat_every_driver_once_per_heat_and_everybody_meets(
    drivers: list[str], seed: str, max_grid: int, order: GridOrder
) -> None:
    rules = KartRules(max_grid=max_grid, heat_grid=order)
    plan = plan_heats(rules, qualifying=drivers, seed=seed)
    grouped = [d for group in plan.groups.values() for d in group]
    assert sorted(grouped) == sorted(drivers)
    sizes = [len(group) for group in plan.groups.values()]
    assert max(sizes) - min(sizes) <= 1
    for heat in plan.heats:
        expected = [d for letter in heat.groups for d in plan.groups[letter]]
        assert sorted(heat.grid) == sorted(expected)
        assert len(heat.grid) <= max_grid
    if len(drivers) > 1:
        assert all(len(met) == len(drivers) - 1 for met in meetings(plan).values())
    # The same seed gives the same plan; a drawn plan ignores the order drivers were listed in.
    assert plan_heats(rules, qualifying=drivers, seed=seed) == plan
    if order is GridOrder.DRAW:
        assert plan_heats(rules, entrants=reversed(drivers), seed=seed) == plan


@st.composite
def heats(draw: st.DrawFn) -> tuple[list[str], list[list[HeatLine]]]:
    drivers = draw(names)
    count = draw(st.integers(1, 4))
    result = []
    for _ in range(count):
        order = draw(st.permutations(drivers))
        finishes = draw(
            st.lists(st.sampled_from(list(Finish)), min_size=len(order), max_size=len(order))
        )
        place = 0
        lines = []
        for driver, finish in zip(order, finishes, strict=True):
            if finish is Finish.FINISHED:
                place += 1
            lines.append(HeatLine(driver, finish, place if finish is Finish.FINISHED else None))
        result.append(lines)
    return drivers, result


tables = st.builds(
    HeatPoints,
    table=st.lists(st.integers(0, 60), min_size=1, max_size=10).map(lambda v: tuple(sorted(v))),
    lower_is_better=st.booleans(),
).map(lambda p: p if p.lower_is_better else HeatPoints(tuple(reversed(p.table)), False))


@given(heats(), tables, seeds, st.integers(0, 10), st.randoms(use_true_random=False))
@settings(max_examples=80, deadline=None)
def test_grids_from_heat_points_are_a_permutation_whatever_order_the_heats_come_in(
    meeting: tuple[list[str], list[list[HeatLine]]], points: HeatPoints, seed: str, top: int, rnd
) -> None:
    drivers, raced = meeting
    ranking = rank_after_heats(raced, points, seed=seed)
    grid = grid_from_ranking(ranking, KartRules(max_grid=200, reverse_top=top))
    assert sorted(grid) == sorted(drivers)
    shuffled = [list(heat) for heat in raced]
    rnd.shuffle(shuffled)
    for heat in shuffled:
        rnd.shuffle(heat)
    assert rank_after_heats(shuffled, points, seed=seed) == ranking
    # Points never run against the table: a better total is never ranked behind a worse one.
    for ahead, behind in pairwise(ranking):
        if points.lower_is_better:
            assert ahead.points <= behind.points
        else:
            assert ahead.points >= behind.points


@given(st.integers(1, 8), seeds, st.data())
@settings(max_examples=60, deadline=None)
def test_with_a_kart_for_every_driver_nobody_repeats_a_kart_for_as_many_stages_as_karts(
    drivers: int, seed: str, data: st.DataObject
) -> None:
    people = [f"d{i}" for i in range(drivers)]
    karts = [f"k{i}" for i in range(drivers)]
    stages = data.draw(st.integers(1, len(karts)))
    driven: dict[str, list[str]] = {p: [] for p in people}
    for stage in range(stages):
        draw = draw_karts(people, karts, seed=f"{seed}/{stage}", driven=driven)
        assert sorted(draw.karts) == sorted(people)
        assert len(set(draw.karts.values())) == len(people)  # one kart each
        assert draw == draw_karts(
            reversed(people), reversed(karts), seed=f"{seed}/{stage}", driven=driven
        )
        for person, kart in draw.karts.items():
            driven[person].append(kart)
    # Each stage is a perfect matching, so what is left stays regular and has one too (Hall).
    assert all(len(set(used)) == len(used) for used in driven.values())


@given(st.integers(1, 5), st.integers(0, 2), seeds, st.data())
@settings(max_examples=60, deadline=None)
def test_the_kart_draw_repeats_no_more_karts_than_the_best_assignment_must(
    drivers: int, extra_karts: int, seed: str, data: st.DataObject
) -> None:
    people = [f"d{i}" for i in range(drivers)]
    karts = [f"k{i}" for i in range(drivers + extra_karts)]
    driven = {
        p: data.draw(st.lists(st.sampled_from(karts), unique=True, max_size=len(karts)))
        for p in people
    }
    draw = draw_karts(people, karts, seed=seed, driven=driven)
    repeats = sum(draw.karts[p] in driven[p] for p in people)
    assert repeats == len(draw.repeats)
    fewest = min(
        sum(kart in driven[p] for p, kart in zip(people, choice, strict=False))
        for choice in permutations(karts, len(people))
    )
    assert repeats == fewest
