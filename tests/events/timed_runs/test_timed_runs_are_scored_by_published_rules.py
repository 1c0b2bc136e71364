"""Timed runs scored by hand-computed examples from published rules, and properties that hold for
any field: a slower run never improves a position; penalties only lose places."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events.engine.timed_runs import (
    DNF,
    DNS,
    DSQ,
    OFF_COURSE,
    OK,
    Competitor,
    Rules,
    Run,
    penalised_ms,
    running_order,
    score,
)

# Golden examples as data: (what the example is, rules, competitors, expected rows).
# Expected rows: (car, raw position, best or total ms, indexed ms, indexed position).
GOLDEN = [
    (
        # A club's PAX explainer (Sierra Sports Car Club, "PAX - how does it all work?"):
        # Corvette SS 50.00 x .856 = 42.80, Focus HS 53.25 x .802 = 42.7065, SRT4 STU
        # 52.45 x .836 = 43.8482; the Focus is slowest on the clock and wins on index.
        "pax_focus_beats_the_corvette",
        Rules(class_index={"SS": 0.856, "HS": 0.802, "STU": 0.836}),
        [
            Competitor("1", "SS", (Run(1, 50_000),)),
            Competitor("2", "HS", (Run(1, 53_250),)),
            Competitor("3", "STU", (Run(1, 52_450),)),
        ],
        [("1", 1, 50_000, 42_800, 2), ("3", 2, 52_450, 43_848, 3), ("2", 3, 53_250, 42_707, 1)],
    ),
    (
        # PCA Golden Gate region's PAX class: AX14L 38.000 x 0.869 = 33.022 beats AX3
        # 34.000 x 1.000.
        "pca_ax14l_beats_ax3",
        Rules(class_index={"AX14L": 0.869, "AX3": 1.0}),
        [
            Competitor("14", "AX14L", (Run(1, 38_000),)),
            Competitor("3", "AX3", (Run(1, 34_000),)),
        ],
        [("3", 1, 34_000, 34_000, 2), ("14", 2, 38_000, 33_022, 1)],
    ),
    (
        # SCCA-style 2 s a cone: a clean 47.900 beats a 46.500 with one cone (48.500); the best of
        # three runs counts, the DNF run counts for nothing.
        "a_cone_costs_two_seconds",
        Rules(),
        [
            Competitor(
                "7", "", (Run(1, 46_500, cones=1), Run(2, 49_000), Run(3, 46_100, status=DNF))
            ),
            Competitor("8", "", (Run(1, 47_900), Run(2, 48_000, cones=2))),
        ],
        [("8", 1, 47_900, None, None), ("7", 2, 48_500, None, None)],
    ),
    (
        # Hill climb, sum of the best two of three; a missed gate costs 10 s.
        "sum_of_the_best_two",
        Rules(runs=3, runs_counted=2),
        [
            Competitor("1", "", (Run(1, 60_000), Run(2, 59_000), Run(3, 50_000, gates=1))),
            Competitor("2", "", (Run(1, 59_500), Run(2, 59_600))),
            Competitor("3", "", (Run(1, 55_000), Run(2, 56_000, status=OFF_COURSE))),
        ],
        [
            ("1", 1, 119_000, None, None),
            ("2", 2, 119_100, None, None),
            ("3", None, None, None, None),
        ],
    ),
    (
        # Equal best runs: the next-best run decides.
        "a_tie_goes_to_the_next_best_run",
        Rules(),
        [
            Competitor("5", "", (Run(1, 40_000), Run(2, 41_000))),
            Competitor("6", "", (Run(1, 40_000), Run(2, 40_500))),
            Competitor("4", "", (Run(1, 40_000),)),
        ],
        [("6", 1, 40_000, None, None), ("5", 2, 40_000, None, None), ("4", 3, 40_000, None, None)],
    ),
]


@pytest.mark.parametrize(
    ("rules", "competitors", "expected"),
    [case[1:] for case in GOLDEN],
    ids=[case[0] for case in GOLDEN],
)
def test_golden_examples(
    rules: Rules, competitors: list[Competitor], expected: list[tuple[object, ...]]
) -> None:
    rows = score(competitors, rules)
    got = [(r.key, r.position, r.score_ms, r.indexed_ms, r.indexed_position) for r in rows]
    assert got == expected


def test_counted_runs_penalised_times_and_runs_left() -> None:
    rules = Rules(runs=4, runs_counted=1, penalty_ms_per_cone=2000, penalty_ms_per_gate=5000)
    [row] = score([Competitor("9", "", (Run(1, 45_000, cones=2, gates=1), Run(2, 48_000)))], rules)
    assert [(r.run, r.penalised_ms, r.counted) for r in row.runs] == [
        (1, 54_000, False),
        (2, 48_000, True),
    ]
    assert row.runs_left == 2


def test_an_off_course_run_counts_with_a_penalty_when_the_rules_give_one() -> None:
    run = Run(1, 50_000, cones=1, status=OFF_COURSE)
    assert penalised_ms(run, Rules()) is None
    assert penalised_ms(run, Rules(off_course_ms=10_000)) == 62_000


def test_unclassified_are_listed_dnf_then_dsq_then_dns() -> None:
    rows = score(
        [
            Competitor("1", "", (Run(1, None, status=DNS),)),
            Competitor("2", "", (Run(1, 40_000, status=DSQ),)),
            Competitor("3", "", (Run(1, None, status=DNF),)),
            Competitor("4", "", (Run(1, 70_000),)),
        ],
        Rules(),
    )
    assert [(r.key, r.status, r.position) for r in rows] == [
        ("4", "classified", 1),
        ("3", "dnf", None),
        ("2", "dsq", None),
        ("1", "dns", None),
    ]


def test_class_positions_count_within_each_class() -> None:
    rows = score(
        [
            Competitor("1", "A", (Run(1, 50_000),)),
            Competitor("2", "B", (Run(1, 51_000),)),
            Competitor("3", "A", (Run(1, 52_000),)),
        ],
        Rules(),
    )
    assert {r.key: r.class_position for r in rows} == {"1": 1, "2": 1, "3": 2}


# ----------------------------------------------------------------------------- properties

times = st.integers(min_value=20_000, max_value=90_000)
statuses = st.sampled_from([OK, OK, OK, DNF, DNS, OFF_COURSE])
runs = st.lists(
    st.tuples(times, st.integers(0, 4), st.integers(0, 1), statuses), min_size=1, max_size=3
)
fields = st.lists(runs, min_size=1, max_size=8)
rule_sets = st.sampled_from(
    [Rules(), Rules(runs_counted=2), Rules(class_index={"A": 0.85, "B": 0.9})]
)


def field_of(data: list[list[tuple[int, int, int, str]]]) -> list[Competitor]:
    return [
        Competitor(
            str(car),
            "A" if car % 2 else "B",
            tuple(
                Run(number, time if status != DNS else None, cones, gates, status)
                for number, (time, cones, gates, status) in enumerate(car_runs, start=1)
            ),
        )
        for car, car_runs in enumerate(data, start=1)
    ]


def rank(rows: list, key: str) -> int:
    # Place in the listing: the classified first, then DNF, DSQ, DNS.
    return next(i for i, row in enumerate(rows) if row.key == key)


def changed_run(
    data: list[list[tuple[int, int, int, str]]], draw: st.DataObject, change: Callable[[Run], Run]
) -> tuple[str, list[Competitor], list[Competitor]]:
    """(the changed car, the field before, the field after one of its runs is changed)."""
    competitors = field_of(data)
    competitor = competitors[draw.draw(st.integers(0, len(competitors) - 1))]
    run = competitor.runs[draw.draw(st.integers(0, len(competitor.runs) - 1))]
    changed = replace(competitor, runs=tuple(change(r) if r is run else r for r in competitor.runs))
    return competitor.key, competitors, [changed if c is competitor else c for c in competitors]


@settings(max_examples=200, deadline=None)
@given(fields, rule_sets, st.integers(1, 10_000), st.data())
def test_a_slower_run_never_improves_a_position(data, rules, slower_by, draw) -> None:  # type: ignore[no-untyped-def]
    def slower(run: Run) -> Run:
        return run if run.time_ms is None else replace(run, time_ms=run.time_ms + slower_by)

    key, before, after = changed_run(data, draw, slower)
    before_rows, after_rows = score(before, rules), score(after, rules)
    assert rank(after_rows, key) >= rank(before_rows, key)
    before_indexed = next(r for r in before_rows if r.key == key).indexed_position
    after_indexed = next(r for r in after_rows if r.key == key).indexed_position
    if before_indexed is not None and after_indexed is not None:
        assert after_indexed >= before_indexed


@settings(max_examples=200, deadline=None)
@given(fields, rule_sets, st.integers(1, 5), st.data())
def test_penalties_only_lose_places(data, rules, cones, draw) -> None:  # type: ignore[no-untyped-def]
    key, before, after = changed_run(data, draw, lambda run: replace(run, cones=run.cones + cones))
    before_rows, after_rows = score(before, rules), score(after, rules)
    assert rank(after_rows, key) >= rank(before_rows, key)
    # Everybody else keeps their order among themselves.
    others_before = [r.key for r in before_rows if r.key != key]
    others_after = [r.key for r in after_rows if r.key != key]
    assert others_before == others_after


def test_the_running_order_goes_group_by_group_fewest_runs_first() -> None:
    rules = Rules(runs=2, run_groups={"PHEV": 2})
    cars = [("12", "BEV", 1), ("3", "PHEV", 0), ("9", "BEV", 0), ("10", "BEV", 2), ("4", "", 0)]
    assert running_order(cars, rules) == [("4", 1), ("9", 1), ("12", 1), ("3", 2)]
