"""Promotion rules: the top N of a class must move up, shown on the standings."""

from __future__ import annotations

from events.engine.points import (
    PointsScale,
    PromotionRule,
    Round,
    RoundLine,
    Rules,
    Status,
    compute_standings,
)

C = Status.CLASSIFIED
SCALE = PointsScale(positions=(10, 8, 6, 5, 4))


def rookie_round(key: str, *order: str) -> Round:
    return Round(
        key=key,
        lines=tuple(
            RoundLine(name, C, position=position, class_code="ROOKIE")
            for position, name in enumerate(order, 1)
        ),
    )


def promoted(rounds: list[Round], *rules: PromotionRule) -> dict[str, str]:
    rows = compute_standings(rounds, Rules(scale=SCALE, promotions=rules))["ROOKIE"]
    return {row.competitor: row.promoted_to for row in rows if row.promoted}


def test_the_top_three_rookies_move_up() -> None:
    rounds = [rookie_round("r1", "a", "b", "c", "d", "e")]
    rule = PromotionRule(class_code="ROOKIE", top=3, to_class="PRO")
    assert promoted(rounds, rule) == {"a": "PRO", "b": "PRO", "c": "PRO"}


def test_everyone_tied_on_the_last_promotion_place_moves_up() -> None:
    rounds = [rookie_round("r1", "a", "b", "c", "d"), rookie_round("r2", "a", "b", "d", "c")]
    rule = PromotionRule(class_code="ROOKIE", top=3)
    assert set(promoted(rounds, rule)) == {"a", "b", "c", "d"}


def test_a_rule_for_another_class_changes_nothing() -> None:
    rounds = [rookie_round("r1", "a", "b")]
    assert promoted(rounds, PromotionRule(class_code="PRO", top=3)) == {}


def test_a_competitor_short_of_the_minimum_rounds_does_not_take_a_promotion_place() -> None:
    rounds = [rookie_round("r1", "a", "b", "c"), rookie_round("r2", "b", "c")]
    rule = PromotionRule(class_code="ROOKIE", top=2, min_rounds=2)
    assert set(promoted(rounds, rule)) == {"b", "c"}
