from __future__ import annotations

from decimal import Decimal

import pytest

from tests.racing.eligibility_factories import codes, rules, vehicle


def test_a_class_without_vehicle_rules_needs_no_vehicle() -> None:
    assert codes(rules()) == []


def test_a_class_with_vehicle_rules_needs_a_vehicle() -> None:
    assert codes(rules(powertrains=["bev"]), the_vehicle=None) == ["vehicle.missing"]


@pytest.mark.parametrize("powertrain", ["bev", "phev", "fcev"])
def test_it_accepts_an_allowed_powertrain(powertrain: str) -> None:
    car = vehicle(powertrain=powertrain, displacement_cc=None, battery_kwh=Decimal(60))
    assert codes(rules(powertrains=["bev", "phev", "fcev"]), the_vehicle=car) == []


@pytest.mark.parametrize("powertrain", ["ice", "hev"])
def test_it_refuses_a_powertrain_the_class_does_not_allow(powertrain: str) -> None:
    car = vehicle(powertrain=powertrain)
    assert codes(rules(powertrains=["bev", "phev", "fcev"]), the_vehicle=car) == [
        "vehicle.powertrain_not_allowed"
    ]


def test_it_applies_the_year_of_manufacture_range_inclusively() -> None:
    heritage = rules(vehicle_year_min=1960, vehicle_year_max=1995)
    assert codes(heritage, the_vehicle=vehicle(year=1960)) == []
    assert codes(heritage, the_vehicle=vehicle(year=1995)) == []
    assert codes(heritage, the_vehicle=vehicle(year=1959)) == ["vehicle.too_old"]
    assert codes(heritage, the_vehicle=vehicle(year=1996)) == ["vehicle.too_new"]


def test_it_refuses_a_vehicle_above_the_power_limit() -> None:
    limit = rules(max_power_kw="300")
    assert codes(limit, the_vehicle=vehicle(power_kw=Decimal("300"))) == []
    assert codes(limit, the_vehicle=vehicle(power_kw=Decimal("300.1"))) == [
        "vehicle.power_too_high"
    ]
    assert codes(limit, the_vehicle=vehicle(power_kw=None)) == ["vehicle.power_missing"]


def test_it_refuses_an_engine_above_the_displacement_limit() -> None:
    limit = rules(max_displacement_cc=2000)
    assert codes(limit, the_vehicle=vehicle(displacement_cc=2000)) == []
    assert codes(limit, the_vehicle=vehicle(displacement_cc=2001)) == [
        "vehicle.displacement_too_large"
    ]
    assert codes(limit, the_vehicle=vehicle(displacement_cc=None)) == [
        "vehicle.displacement_missing"
    ]


def test_it_applies_battery_limits_inclusively() -> None:
    limits = rules(battery_kwh_min="20", battery_kwh_max="120")
    ev = {"powertrain": "bev", "displacement_cc": None}
    assert codes(limits, the_vehicle=vehicle(**ev, battery_kwh=Decimal(20))) == []
    assert codes(limits, the_vehicle=vehicle(**ev, battery_kwh=Decimal(120))) == []
    assert codes(limits, the_vehicle=vehicle(**ev, battery_kwh=Decimal("19.9"))) == [
        "vehicle.battery_too_small"
    ]
    assert codes(limits, the_vehicle=vehicle(**ev, battery_kwh=Decimal("120.1"))) == [
        "vehicle.battery_too_large"
    ]
    assert codes(limits, the_vehicle=vehicle(**ev, battery_kwh=None)) == ["vehicle.battery_missing"]


def test_homologated_classes_need_both_chassis_and_engine_numbers() -> None:
    homologated = rules(homologation_required=True)
    both = vehicle(chassis_homologation="CIK 123/CH/22", engine_homologation="CIK 45/E/21")
    assert codes(homologated, the_vehicle=both) == []
    assert codes(homologated, the_vehicle=vehicle(chassis_homologation="CIK 123")) == [
        "vehicle.engine_homologation_missing"
    ]
    assert codes(homologated, the_vehicle=vehicle(engine_homologation=" ")) == [
        "vehicle.chassis_homologation_missing",
        "vehicle.engine_homologation_missing",
    ]


def test_heritage_classes_need_a_classic_vehicle_certificate() -> None:
    heritage = rules(classic_certificate_required=True)
    assert codes(heritage, the_vehicle=vehicle(classic_certificate="SH-CL-0042")) == []
    assert codes(heritage, the_vehicle=vehicle()) == ["vehicle.classic_certificate_missing"]


def test_it_reports_every_vehicle_problem_together() -> None:
    the_rules = rules(
        powertrains=["bev"],
        vehicle_year_max=1995,
        max_power_kw="100",
        classic_certificate_required=True,
    )
    assert codes(the_rules, the_vehicle=vehicle()) == [
        "vehicle.powertrain_not_allowed",
        "vehicle.too_new",
        "vehicle.power_too_high",
        "vehicle.classic_certificate_missing",
    ]
