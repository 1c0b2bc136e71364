"""Licences issued on the spot: rookie classes only, for the holder's first N events."""

from __future__ import annotations

from typing import Any

import pytest

from racing.engine.eligibility import ClassRules, Role, RulesError, check_eligibility
from tests.racing.eligibility_factories import EVENT, LADDER, codes, driver, licence, rules

CAMF = {"licences": [{"issuer": "CAMF", "discipline": "circuit"}]}
ROOKIE_3 = {**CAMF, "rookie_class": True, "on_the_spot_max_events": 3}
OPEN_3 = {**CAMF, "on_the_spot_max_events": 3}

on_the_spot = licence(number="SPOT-7", grade=None, temporary=True, on_the_spot=True)


def test_a_rookie_class_accepts_it_before_the_holders_nth_event() -> None:
    assert codes(rules(**ROOKIE_3), licences=[on_the_spot], the_driver=driver()) == []
    two_before = driver(events_started=2)
    assert codes(rules(**ROOKIE_3), licences=[on_the_spot], the_driver=two_before) == []


def test_a_rookie_class_refuses_it_once_the_holder_has_started_n_events() -> None:
    failures = check_eligibility(
        rules(**ROOKIE_3), driver(events_started=3), [on_the_spot], None, EVENT, grades=LADDER
    )
    assert [f.code for f in failures] == ["licence.on_the_spot_events_used"]
    assert failures[0].params == {"number": "SPOT-7", "max_events": 3, "started": 3}
    assert failures[0].message == (
        "Licence SPOT-7 was issued on the spot: it allows only your first 3 event(s); "
        "you have started 3."
    )


def test_more_events_than_n_are_refused_too() -> None:
    veteran = driver(events_started=40)
    assert codes(rules(**ROOKIE_3), licences=[on_the_spot], the_driver=veteran) == [
        "licence.on_the_spot_events_used"
    ]


def test_a_class_that_is_not_a_rookie_class_refuses_it_even_at_the_first_event() -> None:
    failures = check_eligibility(
        rules(**OPEN_3), driver(events_started=0), [on_the_spot], None, EVENT, grades=LADDER
    )
    assert [f.code for f in failures] == ["licence.on_the_spot_rookie_only"]
    assert failures[0].message == (
        "Licence SPOT-7 was issued on the spot: it allows rookie classes only."
    )


def test_without_the_rule_it_counts_like_any_other_licence() -> None:
    veteran = driver(events_started=40)
    assert codes(rules(**CAMF), licences=[on_the_spot], the_driver=veteran) == []
    assert codes(rules(**CAMF, rookie_class=True), licences=[on_the_spot]) == []


def test_a_licence_not_issued_on_the_spot_is_not_concerned() -> None:
    veteran = driver(events_started=40)
    assert codes(rules(**OPEN_3), licences=[licence()], the_driver=veteran) == []
    assert codes(rules(**ROOKIE_3), licences=[licence()], the_driver=veteran) == []


def test_a_regular_licence_held_as_well_is_enough() -> None:
    both = [on_the_spot, licence()]
    assert codes(rules(**OPEN_3), licences=both, the_driver=driver(events_started=9)) == []


def test_its_other_problems_are_reported_alongside() -> None:
    expired = licence(
        number="SPOT-7", on_the_spot=True, valid_to=EVENT.replace(month=EVENT.month - 1)
    )
    assert codes(rules(**OPEN_3), licences=[expired]) == [
        "licence.expired",
        "licence.on_the_spot_rookie_only",
    ]


def test_a_navigator_who_needs_a_licence_is_held_to_it_too() -> None:
    the_rules = rules(**OPEN_3, navigator_required=True, navigator_needs_licence=True)
    failures = check_eligibility(
        the_rules, driver(), [on_the_spot], None, EVENT, grades=LADDER, role=Role.NAVIGATOR
    )
    assert [f.code for f in failures] == ["licence.on_the_spot_rookie_only"]


def test_the_rule_is_stored_as_data_and_read_back() -> None:
    stored = rules(**ROOKIE_3)
    assert stored.to_dict() == {
        "licences": [{"issuer": "CAMF", "discipline": "circuit"}],
        "rookie_class": True,
        "on_the_spot_max_events": 3,
    }
    assert ClassRules.from_dict(stored.to_dict()) == stored


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**CAMF, "on_the_spot_max_events": 0}, "on_the_spot_max_events"),
        ({**CAMF, "on_the_spot_max_events": -1}, "on_the_spot_max_events"),
        ({**CAMF, "on_the_spot_max_events": "3"}, "on_the_spot_max_events"),
        ({"on_the_spot_max_events": 3}, "on_the_spot_max_events"),
        ({"rookie_class": "yes"}, "rookie_class"),
    ],
)
def test_stored_rules_that_make_no_sense_are_refused(data: dict[str, Any], field: str) -> None:
    with pytest.raises(RulesError) as caught:
        ClassRules.from_dict(data)
    assert caught.value.field == field
