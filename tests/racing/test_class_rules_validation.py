from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from racing.engine.eligibility import AgeBand, ClassRules, LicenceRequirement, RulesError


def test_empty_rules_are_valid_and_constrain_nothing() -> None:
    assert ClassRules.from_dict({}) == ClassRules()
    assert ClassRules.from_dict(None) == ClassRules()
    assert ClassRules().to_dict() == {}


def test_full_rules_are_read_into_typed_values() -> None:
    rules = ClassRules.from_dict(
        {
            "licences": [{"issuer": "CAMF", "discipline": "karting", "min_grade": "C"}],
            "age": {"min_age": 12, "max_age": 14, "by_calendar_year": True},
            "min_driver_weight_kg": "40.5",
            "powertrains": ["bev", "bev", "phev"],
            "road_licence_years": 1,
        }
    )
    assert rules.licences == (LicenceRequirement("CAMF", "karting", "C"),)
    assert rules.age == AgeBand(12, 14, by_calendar_year=True)
    assert rules.min_driver_weight_kg == Decimal("40.5")
    assert rules.powertrains == ("bev", "phev")
    assert rules.road_licence_years == 1


def test_decimals_are_stored_as_strings_so_they_stay_exact() -> None:
    assert ClassRules(max_power_kw=Decimal("0.1")).to_dict() == {"max_power_kw": "0.1"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"medical_required": "yes"}, "medical_required"),
        ({"road_licence_years": -1}, "road_licence_years"),
        ({"road_licence_years": 1.5}, "road_licence_years"),
        ({"road_licence_years": True}, "road_licence_years"),
        ({"max_power_kw": "-5"}, "max_power_kw"),
        ({"max_power_kw": 5.5}, "max_power_kw"),
        ({"max_power_kw": "fast"}, "max_power_kw"),
        ({"max_power_kw": "NaN"}, "max_power_kw"),
        ({"battery_kwh_min": "90", "battery_kwh_max": "60"}, "battery_kwh_min"),
        ({"vehicle_year_min": 2000, "vehicle_year_max": 1990}, "vehicle_year_min"),
        ({"powertrains": ["steam"]}, "powertrains"),
        ({"powertrains": "bev"}, "powertrains"),
        ({"age": {"min_age": 15, "max_age": 12}}, "age"),
        ({"age": {"min_age": -1}}, "age"),
        ({"age": {"by_calendar_year": "yes"}}, "age"),
        ({"age": {"minimum": 12}}, "age"),
        ({"licences": [{"issuer": "CAMF", "discipline": "sailing"}]}, "licences"),
        ({"licences": [{"issuer": "", "discipline": "circuit"}]}, "licences"),
        ({"licences": [{"issuer": "CAMF", "discipline": "circuit", "grade": "B"}]}, "licences"),
        ({"licences": "CAMF"}, "licences"),
        (
            {
                "licences": [
                    {"issuer": "CAMF", "discipline": "circuit"},
                    {"issuer": "CAMF", "discipline": "circuit", "min_grade": "A"},
                ]
            },
            "licences",
        ),
        ({"navigator_needs_licence": True}, "navigator_needs_licence"),
    ],
)
def test_bad_stored_rules_are_refused_naming_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(RulesError) as caught:
        ClassRules.from_dict(data)
    assert caught.value.field == field


def test_rules_that_are_not_an_object_are_refused() -> None:
    with pytest.raises(RulesError):
        ClassRules.from_dict(["licences"])  # type: ignore[arg-type]
