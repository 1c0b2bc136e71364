from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.racing.eligibility_factories import EVENT, codes, driver, rules


def test_it_refuses_a_driver_lighter_than_the_minimum_weight() -> None:
    light = driver(weight_kg=Decimal("39.9"))
    assert codes(rules(min_driver_weight_kg="40"), the_driver=light) == ["weight.too_light"]


def test_it_accepts_a_driver_at_exactly_the_minimum_weight() -> None:
    assert codes(rules(min_driver_weight_kg="40"), the_driver=driver(weight_kg=Decimal(40))) == []


def test_it_refuses_a_driver_whose_weight_is_unknown_when_a_minimum_is_set() -> None:
    assert codes(rules(min_driver_weight_kg="40"), the_driver=driver(weight_kg=None)) == [
        "weight.missing"
    ]


def test_it_accepts_a_road_licence_held_exactly_the_required_years() -> None:
    since = driver(road_licence_since=date(EVENT.year - 1, EVENT.month, EVENT.day))
    assert codes(rules(road_licence_years=1), the_driver=since) == []


def test_it_refuses_a_road_licence_one_day_short_of_the_required_years() -> None:
    since = driver(road_licence_since=date(EVENT.year - 1, EVENT.month, EVENT.day + 1))
    assert codes(rules(road_licence_years=1), the_driver=since) == ["road_licence.too_recent"]


def test_it_refuses_a_driver_without_road_licence_when_one_is_required() -> None:
    assert codes(rules(road_licence_years=1), the_driver=driver(road_licence_since=None)) == [
        "road_licence.missing"
    ]


def test_it_reports_every_failing_rule_kind_together() -> None:
    everything_wrong = driver(
        birth_date=date(2015, 1, 1), weight_kg=Decimal(30), road_licence_since=None
    )
    the_rules = rules(
        licences=[{"issuer": "CAMF", "discipline": "karting"}],
        age={"min_age": 18},
        min_driver_weight_kg="40",
        road_licence_years=1,
        powertrains=["bev"],
    )
    assert codes(the_rules, the_driver=everything_wrong, licences=[]) == [
        "licence.missing",
        "age.too_young",
        "weight.too_light",
        "road_licence.missing",
        "vehicle.missing",
    ]
