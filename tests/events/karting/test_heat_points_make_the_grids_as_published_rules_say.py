"""Golden examples, worked by hand from published kart-meeting rules and written as data.

- A club series' heat rules: 1 point for 1st, 2 for 2nd, ...; two heats, the second heat's grid
  is the first heat's result reversed; the lowest total takes pole.
- A rallycross-style ranking: 50, 45, 42, 40, 39, 38 points per place, the highest total first.
- The group system of international kart meetings: drivers dealt into groups, heats A-B, A-C, ...
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from events.engine.karting import (
    Finish,
    GridOrder,
    HeatLine,
    HeatPoints,
    KartRules,
    ballast_kg,
    grid_from_ranking,
    grid_from_result,
    group_count,
    heat_points,
    meetings,
    plan_heats,
    rank_after_heats,
)

ONE_TWO_THREE = HeatPoints(table=tuple(range(1, 21)), lower_is_better=True)
RALLYCROSS = HeatPoints(table=(50, 45, 42, 40, 39, 38), lower_is_better=False)


def finished(*drivers: str) -> list[HeatLine]:
    return [HeatLine(d, Finish.FINISHED, place) for place, d in enumerate(drivers, start=1)]


CASES = [
    {
        "name": "1st and 3rd make 4 points; lowest total is pole",
        "points": ONE_TWO_THREE,
        "heats": [finished("A", "B", "C", "D", "E"), finished("C", "A", "E", "B", "D")],
        "qualifying": [],
        "totals": {"A": 3, "B": 6, "C": 4, "D": 9, "E": 8},
        "grid": ["A", "C", "B", "E", "D"],
    },
    {
        "name": "four drivers tied on 5: countback (a win beats none), then qualifying",
        "points": ONE_TWO_THREE,
        "heats": [finished("A", "B", "C", "D", "E"), finished("D", "C", "B", "A", "E")],
        "qualifying": ["D", "C", "B", "A", "E"],
        # A and D each have a win and a 4th: qualifying puts D first; B and C each have a 2nd
        # and a 3rd: qualifying puts C first. The winners come before the others on countback.
        "totals": {"A": 5, "B": 5, "C": 5, "D": 5, "E": 10},
        "grid": ["D", "A", "C", "B", "E"],
    },
    {
        "name": "higher is better: 50-45-42-40-39-38 per heat",
        "points": RALLYCROSS,
        "heats": [
            finished("P", "Q", "R", "S", "T", "U"),
            finished("Q", "R", "P", "U", "T", "S"),
        ],
        "qualifying": [],
        # P 50+42=92, Q 45+50=95, R 42+45=87, S 40+38=78, T 39+39=78, U 38+40=78.
        # S, T and U tie on 78; countback: S has a 4th, U has a 4th, T has two 5ths;
        # S (4th, 6th) vs U (6th, 4th) are equal again: no qualifying, so the seeded draw.
        "totals": {"P": 92, "Q": 95, "R": 87, "S": 78, "T": 78, "U": 78},
        "grid_prefix": ["Q", "P", "R"],
        "grid_last": "T",
    },
    {
        "name": "a non-finisher scores last place; a non-starter one more",
        "points": ONE_TWO_THREE,
        "heats": [
            [
                HeatLine("A", Finish.FINISHED, 1),
                HeatLine("B", Finish.FINISHED, 2),
                HeatLine("C", Finish.NOT_FINISHED),
                HeatLine("D", Finish.NOT_STARTED),
            ]
        ],
        "qualifying": [],
        "totals": {"A": 1, "B": 2, "C": 4, "D": 5},
        "grid": ["A", "B", "C", "D"],
    },
]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_heat_points_and_the_grid_match_the_hand_worked_example(case: dict) -> None:
    ranking = rank_after_heats(case["heats"], case["points"], qualifying=case["qualifying"])
    assert {r.driver: r.points for r in ranking} == case["totals"]
    grid = list(grid_from_ranking(ranking, KartRules()))
    if "grid" in case:
        assert grid == case["grid"]
    else:
        assert grid[:3] == case["grid_prefix"]
        assert grid[-1] == case["grid_last"]
        assert set(grid[3:5]) == {"S", "U"}


def test_one_heat_scores_each_place_from_the_table() -> None:
    assert heat_points(finished("A", "B", "C"), RALLYCROSS) == {"A": 50, "B": 45, "C": 42}
    # Past the table's end a higher-is-better table gives nothing, a lower-is-better one goes on.
    many = finished(*"ABCDEFGH")
    assert heat_points(many, RALLYCROSS)["H"] == 0
    short = HeatPoints(table=(0, 2, 3), lower_is_better=True)
    assert heat_points(many, short)["H"] == 8


def test_a_reversed_top_four_puts_the_fourth_on_pole() -> None:
    ranking = rank_after_heats(
        [finished("A", "B", "C", "D", "E", "F")], ONE_TWO_THREE, qualifying=[]
    )
    assert grid_from_ranking(ranking, KartRules(reverse_top=4)) == ("D", "C", "B", "A", "E", "F")


def test_the_final_grid_is_the_prefinal_result_with_non_finishers_behind_in_heat_order() -> None:
    ranking = rank_after_heats([finished("A", "B", "C", "D")], ONE_TWO_THREE)
    prefinal = [
        HeatLine("C", Finish.FINISHED, 1),
        HeatLine("A", Finish.FINISHED, 2),
        HeatLine("D", Finish.NOT_FINISHED),
        HeatLine("B", Finish.NOT_STARTED),
    ]
    assert grid_from_result(prefinal, KartRules(), ranking=ranking) == ("C", "A", "B", "D")


def test_the_grid_is_cut_at_the_grid_size() -> None:
    ranking = rank_after_heats([finished("A", "B", "C", "D")], ONE_TWO_THREE)
    assert grid_from_ranking(ranking, KartRules(max_grid=3)) == ("A", "B", "C")


@pytest.mark.parametrize(
    ("drivers", "max_grid", "groups", "heats"),
    [
        (20, 34, 1, 3),  # everybody fits: three heats with everybody
        (40, 34, 3, 3),  # 17 a group at most: A-B, A-C, B-C
        (60, 34, 4, 6),  # A-B, C-D, A-C, B-D, A-D, B-C
        (72, 34, 5, 10),
    ],
)
def test_groups_race_each_other_once_so_everybody_meets_everybody(
    drivers: int, max_grid: int, groups: int, heats: int
) -> None:
    names = [f"d{i:02d}" for i in range(drivers)]
    rules = KartRules(max_grid=max_grid, heat_grid=GridOrder.QUALIFYING)
    plan = plan_heats(rules, qualifying=names)
    assert group_count(drivers, max_grid) == groups == len(plan.groups)
    assert len(plan.heats) == heats
    assert all(len(heat.grid) <= max_grid for heat in plan.heats)
    met = meetings(plan)
    assert all(len(others) == drivers - 1 for others in met.values())


def test_groups_are_dealt_from_the_qualifying_order_and_heat_grids_follow_it() -> None:
    names = [f"q{i}" for i in range(1, 9)]
    plan = plan_heats(KartRules(max_grid=6), qualifying=names)
    # 8 drivers, 3 a group at most: 3 groups dealt 1-A, 2-B, 3-C, 4-A, ...
    assert plan.groups == {
        "A": ("q1", "q4", "q7"),
        "B": ("q2", "q5", "q8"),
        "C": ("q3", "q6"),
    }
    first = plan.heats[0]
    assert first.grid == tuple(sorted(first.grid, key=names.index))


@pytest.mark.parametrize(
    ("driver", "minimum", "step", "ballast"),
    [
        ("72.3", "80", "2.5", "10.0"),  # 7.7 kg short: four 2.5 kg weights
        ("77.5", "80", "2.5", "2.5"),
        ("80", "80", "2.5", "0"),
        ("91", "80", "0.5", "0"),
        ("79.9", "80", "0.5", "0.5"),
    ],
)
def test_ballast_makes_up_the_class_minimum_in_whole_weights(
    driver: str, minimum: str, step: str, ballast: str
) -> None:
    assert ballast_kg(Decimal(driver), Decimal(minimum), step_kg=Decimal(step)) == Decimal(ballast)


def test_ballast_is_unknown_until_the_driver_is_weighed_and_nil_without_a_minimum() -> None:
    assert ballast_kg(None, Decimal(80)) is None
    assert ballast_kg(Decimal(60), None) == 0


def test_four_groups_race_in_rounds_each_group_once_a_round() -> None:
    names = [f"q{i:02d}" for i in range(1, 61)]
    plan = plan_heats(KartRules(max_grid=34), qualifying=names)
    assert [heat.groups for heat in plan.heats] == [
        ("A", "B"),
        ("C", "D"),
        ("A", "C"),
        ("B", "D"),
        ("A", "D"),
        ("B", "C"),
    ]


def test_groups_past_z_go_on_aa_ab() -> None:
    from events.engine.karting import group_name

    assert [group_name(i) for i in (0, 25, 26, 27, 52)] == ["A", "Z", "AA", "AB", "BA"]
