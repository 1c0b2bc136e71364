"""A class may require a team licence, valid on the event date."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from racing.engine.eligibility import Licence, Role, check_eligibility
from tests.racing.eligibility_factories import EVENT, LADDER, codes, driver, licence, rules

TEAM_REQUIRED = {"team_licence_required": True}
CAMF = {"licences": [{"issuer": "CAMF", "discipline": "circuit"}]}


def team(**overrides: Any) -> Licence:
    values: dict[str, Any] = {"number": "TEAM-88", "grade": None, "kind": "team"}
    values.update(overrides)
    return licence(**values)


def test_a_current_team_licence_is_enough() -> None:
    assert codes(rules(**TEAM_REQUIRED), licences=[team()]) == []


def test_without_a_team_licence_the_driver_is_refused() -> None:
    failures = check_eligibility(
        rules(**TEAM_REQUIRED), driver(), [licence()], None, EVENT, grades=LADDER
    )
    assert [f.code for f in failures] == ["team_licence.missing"]
    assert failures[0].message == (
        "This class requires a team licence: add your team's licence to your profile."
    )


def test_a_team_licence_that_expired_the_day_before_is_refused() -> None:
    lapsed = team(valid_to=EVENT - timedelta(days=1))
    failures = check_eligibility(
        rules(**TEAM_REQUIRED), driver(), [lapsed], None, EVENT, grades=LADDER
    )
    assert [f.code for f in failures] == ["team_licence.expired"]
    assert failures[0].message.startswith("Team licence TEAM-88 expires before the event")


def test_a_team_licence_is_valid_on_its_last_day() -> None:
    assert codes(rules(**TEAM_REQUIRED), licences=[team(valid_to=EVENT)]) == []


def test_a_team_licence_is_valid_on_its_first_day() -> None:
    assert codes(rules(**TEAM_REQUIRED), licences=[team(valid_from=EVENT)]) == []


def test_a_team_licence_that_starts_the_day_after_is_refused() -> None:
    future = team(valid_from=EVENT + timedelta(days=1), valid_to=EVENT + timedelta(days=365))
    assert codes(rules(**TEAM_REQUIRED), licences=[future]) == ["team_licence.not_yet_valid"]


def test_one_current_team_licence_among_lapsed_ones_is_enough() -> None:
    lapsed = team(number="TEAM-2025", valid_to=EVENT - timedelta(days=200))
    assert codes(rules(**TEAM_REQUIRED), licences=[lapsed, team()]) == []


def test_a_team_licence_is_not_a_competition_licence() -> None:
    assert codes(rules(**CAMF), licences=[team(issuer="CAMF")]) == ["licence.missing"]


def test_both_are_needed_when_the_class_asks_for_both() -> None:
    the_rules = rules(**CAMF, **TEAM_REQUIRED)
    assert codes(the_rules, licences=[licence(), team()]) == []
    assert codes(the_rules, licences=[team()]) == ["licence.missing"]
    assert codes(the_rules, licences=[licence()]) == ["team_licence.missing"]


def test_a_navigator_is_not_asked_for_one() -> None:
    the_rules = rules(
        **CAMF, **TEAM_REQUIRED, navigator_required=True, navigator_needs_licence=True
    )
    failures = check_eligibility(
        the_rules, driver(), [licence()], None, EVENT, grades=LADDER, role=Role.NAVIGATOR
    )
    assert failures == []


def test_a_class_without_the_rule_does_not_look_for_one() -> None:
    assert codes(rules(), licences=[]) == []
