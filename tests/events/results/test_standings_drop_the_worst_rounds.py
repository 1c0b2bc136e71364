"""Dropping the worst N rounds."""

from __future__ import annotations

from events.engine.points import (
    PointsScale,
    Round,
    RoundLine,
    Rules,
    Standing,
    Status,
    compute_standings,
)

C = Status.CLASSIFIED
SCALE = PointsScale(positions=(10, 6, 4, 3, 2, 1))


def rounds_from(results: list[list[str | tuple[str, Status]]]) -> list[Round]:
    """Each round lists the classified competitors in order, then (name, status) for the rest."""
    rounds = []
    for number, result in enumerate(results, start=1):
        lines = tuple(
            RoundLine(item, C, position=index)
            if isinstance(item, str)
            else RoundLine(item[0], item[1])
            for index, item in enumerate(result, start=1)
        )
        rounds.append(Round(key=f"r{number}", lines=lines))
    return rounds


def table(rounds: list[Round], **rules: object) -> dict[str, Standing]:
    standings = compute_standings(rounds, Rules(scale=SCALE, **rules))  # type: ignore[arg-type]
    return {row.competitor: row for row in standings[""]}


def test_the_worst_rounds_are_dropped_from_the_total_but_kept_in_the_gross() -> None:
    rounds = rounds_from([["a", "b"], ["b", "x", "y", "a"], ["a", "b"]])
    rows = table(rounds, drop_worst=1)
    assert (rows["a"].gross, rows["a"].total) == (23, 20)
    assert (rows["b"].gross, rows["b"].total) == (22, 16)
    assert [score.dropped for score in rows["a"].scores] == [False, True, False]


def test_a_round_not_entered_scores_zero_and_is_the_first_dropped() -> None:
    rounds = rounds_from([["a", "b"], ["b"], ["b", "a"]])
    rows = table(rounds, drop_worst=1)
    assert rows["a"].scores[1].status is None
    assert rows["a"].scores[1].dropped
    assert (rows["a"].gross, rows["a"].total) == (16, 16)
    assert (rows["b"].gross, rows["b"].total) == (26, 20)


def test_a_competitor_always_keeps_at_least_one_round() -> None:
    rows = table(rounds_from([["a"], ["x", "a"]]), drop_worst=5)
    assert rows["a"].total == 10
    assert sum(score.dropped for score in rows["a"].scores) == 1


def test_a_disqualification_cannot_be_dropped_unless_the_rules_allow_it() -> None:
    rounds = rounds_from([["a", "b"], ["b", ("a", Status.DSQ)], ["b", "c", "a"]])
    strict = table(rounds, drop_worst=1)
    assert [score.dropped for score in strict["a"].scores] == [False, False, True]
    assert strict["a"].total == 10
    lenient = table(rounds, drop_worst=1, dsq_droppable=True)
    assert [score.dropped for score in lenient["a"].scores] == [False, True, False]
    assert lenient["a"].total == 14


def test_dropping_can_change_the_order() -> None:
    rounds = rounds_from([["a", "b"], ["a", "b"], ["b", ("a", Status.DNF)]])
    undropped = table(rounds)
    assert (undropped["b"].position, undropped["b"].total, undropped["a"].total) == (1, 22, 20)
    dropped = table(rounds, drop_worst=1)
    assert (dropped["a"].position, dropped["a"].total, dropped["b"].total) == (1, 20, 16)
