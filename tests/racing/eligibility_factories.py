"""Builders for the pure eligibility engine's inputs (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from racing.engine.eligibility import (
    ClassRules,
    Driver,
    GradeLadder,
    Licence,
    Vehicle,
    check_eligibility,
)

EVENT = date(2026, 6, 13)

LADDER = GradeLadder(
    {
        "CAMF": ("C", "B", "A", "INT"),
        "FIA": ("D", "C", "B", "A"),
        "HKAA": ("NAT", "INT"),
    }
)


def licence(**overrides: Any) -> Licence:
    values: dict[str, Any] = {
        "issuer": "CAMF",
        "discipline": "circuit",
        "grade": "B",
        "number": "CAMF-26-0001",
        "valid_from": date(2026, 1, 1),
        "valid_to": date(2026, 12, 31),
        "medical_valid_to": date(2026, 12, 31),
        "temporary": False,
    }
    values.update(overrides)
    return Licence(**values)


def driver(**overrides: Any) -> Driver:
    values: dict[str, Any] = {
        "birth_date": date(1990, 5, 1),
        "weight_kg": Decimal("70"),
        "road_licence_since": date(2010, 1, 1),
    }
    values.update(overrides)
    return Driver(**values)


def vehicle(**overrides: Any) -> Vehicle:
    values: dict[str, Any] = {
        "powertrain": "ice",
        "year": 2015,
        "power_kw": Decimal("150"),
        "displacement_cc": 1998,
        "battery_kwh": None,
        "chassis_homologation": "",
        "engine_homologation": "",
        "classic_certificate": "",
    }
    values.update(overrides)
    return Vehicle(**values)


def rules(**data: Any) -> ClassRules:
    """Rules as an organizer stores them, through the same validation."""
    return ClassRules.from_dict(data)


def codes(
    the_rules: ClassRules,
    *,
    the_driver: Driver | None = None,
    licences: list[Licence] | None = None,
    the_vehicle: Vehicle | None = None,
    on: date = EVENT,
    **kwargs: Any,
) -> list[str]:
    failures = check_eligibility(
        the_rules,
        the_driver or driver(),
        licences if licences is not None else [licence()],
        the_vehicle,
        on,
        grades=LADDER,
        **kwargs,
    )
    return [f.code for f in failures]
