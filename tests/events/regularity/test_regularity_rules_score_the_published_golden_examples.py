"""The scoring engine against worked examples of published regularity rules, kept as data
(golden_examples.json), plus the rules' own checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from events.engine import regularity as engine

CASES = json.loads((Path(__file__).with_name("golden_examples.json")).read_text())["cases"]
DAY = datetime(2026, 6, 1, tzinfo=UTC)


def at(text: str) -> int:
    clock, _, fraction = text.partition(".")
    hours, minutes, seconds = (int(part) for part in clock.split(":"))
    ms = ((hours * 60 + minutes) * 60 + seconds) * 1000 + int((fraction + "000")[:3])
    return round(DAY.timestamp() * 1000) + ms


def section(data: dict[str, Any]) -> engine.Section:
    return engine.Section(
        code=data["code"],
        kind=engine.Kind(data["kind"]),
        distance_m=data.get("distance_m"),
        speed_kmh=Decimal(data["speed_kmh"]) if "speed_kmh" in data else None,
        section_ms=data["section_s"] * 1000 if "section_s" in data else None,
    )


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_engine_scores_each_golden_example_as_published(case: dict[str, Any]) -> None:
    rules = engine.rules_from_data({"preset": case["preset"], **case.get("overrides", {})})
    score = engine.score_crew(
        number=1,
        sections=[section(item) for item in case["sections"]],
        start_ms=at(case["start"]),
        stamps={code: at(text) for code, text in case["stamps"].items()},
        rules=rules,
    )
    by_code = {control.code: control for control in score.controls}
    for code, expected in case["expected"].items():
        control = by_code[code]
        assert control.penalty == Decimal(expected["penalty"]), code
        if "delta_ms" in expected:
            assert control.delta_ms == expected["delta_ms"], code
        assert control.outcome == expected.get("outcome", "scored"), code
    assert score.penalty == Decimal(case["total"])


def test_every_preset_survives_a_round_trip_through_json() -> None:
    for name, rules in engine.PRESETS.items():
        data = json.loads(json.dumps(rules.to_dict()))
        assert engine.Rules.from_dict(data) == rules, name


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"precision": "hour"}, "precision"),
        ({"tc_late_per_minute": -1}, "tc_late_per_minute"),
        ({"otl": "forgive"}, "otl"),
        ({"drop_worst": 1.5}, "drop_worst"),
        ({"restart_at_time_controls": "yes"}, "restart_at_time_controls"),
        ({"age_coefficients": [[1980, 0.9], [1970, 0.8]]}, "age_coefficients"),
        ({"tc_early_per_mnute": 2}, "tc_early_per_mnute"),
        ({"preset": "nowhere"}, "preset"),
    ],
)
def test_bad_rules_are_refused_naming_the_rule(data: dict[str, Any], field: str) -> None:
    with pytest.raises(engine.RulesError) as error:
        engine.rules_from_data(data)
    assert error.value.field == field


def test_an_older_car_takes_its_age_coefficient() -> None:
    rules = engine.rules_from_data({"age_coefficients": [[1960, "0.8"], [1975, "0.9"]]})
    sections = [
        engine.Section(code="S", kind=engine.Kind.START),
        engine.Section(code="TC1", kind=engine.Kind.TIME_CONTROL, section_ms=600_000),
    ]
    start = at("10:00:00")
    stamps = {"S": start, "TC1": start + 15 * 60_000}  # five minutes late: 5 points
    old = engine.score_crew(
        number=1, sections=sections, start_ms=start, stamps=stamps, rules=rules, car_year=1958
    )
    newer = engine.score_crew(
        number=2, sections=sections, start_ms=start, stamps=stamps, rules=rules, car_year=1990
    )
    assert old.penalty == Decimal("4.0")
    assert newer.penalty == Decimal(5)


def test_ties_go_to_more_zeros_then_the_older_car() -> None:
    def crew(number: int, penalty: str, zeros: int, year: int | None) -> engine.CrewScore:
        return engine.CrewScore(
            number=number, controls=(), penalty=Decimal(penalty), zeros=zeros, car_year=year
        )

    standings = engine.rank(
        [
            crew(1, "10", 2, 1970),
            crew(2, "10", 3, 1980),
            crew(3, "10", 2, 1965),
            crew(4, "3", 0, None),
        ]
    )
    assert [s.crew.number for s in standings] == [4, 2, 3, 1]
    assert [s.position for s in standings] == [1, 2, 3, 4]


def test_live_standings_leave_controls_not_yet_reached_pending() -> None:
    rules = engine.rules_from_data({})
    sections = [
        engine.Section(code="S", kind=engine.Kind.START),
        engine.Section(code="TC1", kind=engine.Kind.TIME_CONTROL, section_ms=600_000),
        engine.Section(code="TC2", kind=engine.Kind.TIME_CONTROL, section_ms=600_000),
    ]
    start = at("10:00:00")
    live = engine.score_crew(
        number=1, sections=sections, start_ms=start, stamps={"S": start}, rules=rules, final=False
    )
    final = engine.score_crew(
        number=1, sections=sections, start_ms=start, stamps={"S": start}, rules=rules
    )
    assert [c.outcome for c in live.controls] == ["scored", "pending", "pending"]
    assert live.penalty == 0
    assert final.penalty == 60


def test_the_route_card_hides_secret_checks_but_keeps_the_distance() -> None:
    sections = [
        engine.Section(code="S", kind=engine.Kind.START),
        engine.Section(code="SC1", kind=engine.Kind.SECRET, distance_m=4000, speed_kmh=Decimal(48)),
        engine.Section(
            code="TC1", kind=engine.Kind.TIME_CONTROL, distance_m=8000, speed_kmh=Decimal(48)
        ),
    ]
    card = engine.route_card(sections)
    assert [row.code for row in card] == ["S", "TC1"]
    assert card[1].distance_m == 12000
    assert card[1].section_ms == 15 * 60_000
    assert card[1].speed_kmh == 48
    assert [row.code for row in engine.route_card(sections, include_secret=True)] == [
        "S",
        "SC1",
        "TC1",
    ]


def test_a_crews_scheduled_start_is_the_standard_time_plus_its_number_of_intervals() -> None:
    assert engine.scheduled_start_ms(1_000_000, 7, 60_000) == 1_000_000 + 420_000


def test_a_sessions_bad_regularity_rules_are_explained_in_chinese(rally: Any) -> None:
    from django.core.exceptions import ValidationError
    from django.utils import translation

    session = rally.session
    session.rules = {**session.checked_rules, "otl_penalty": 0}
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        session.clean()
    assert "OTL 罚分不能低于最大迟到时间对应的罚分" in str(error.value)
