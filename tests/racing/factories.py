"""Database factories for drivers, licences, vehicles and classes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from racing.models import (
    CompetitionClass,
    DriverProfile,
    Licence,
    LicenceGrade,
    LicenceIssuer,
    Organization,
    Vehicle,
)
from racing.services.privacy import give_consent


def make_profile(user: Any, *, consent: bool = True, **fields: Any) -> DriverProfile:
    """A complete adult profile; with `consent`, the consent to process its sensitive data."""
    values: dict[str, Any] = {
        "name_zh": "张敏",
        "name_latin": "ZHANG Min",
        "date_of_birth": date(1995, 3, 14),
        "nationality": "中国",
        "id_type": "resident_id",
        "id_number": "11010519491231002X",
        "phone": "+86 138 0000 0000",
        "weight_kg": Decimal("68.0"),
        "road_licence_since": date(2015, 7, 1),
        "blood_type": "O",
        "medical_notes": "Penicillin allergy",
    }
    values.update(fields)
    profile = DriverProfile.objects.create(user=user, **values)
    if consent:
        give_consent(
            profile=profile,
            by_guardian=profile.needs_guardian_consent(),
            guardian_name=profile.guardian_name,
            guardian_id_number=profile.guardian_id_number,
        )
    return profile


def make_licence(
    profile: DriverProfile, issuer: str = "CAMF", grade: str | None = "B", **fields: Any
) -> Licence:
    the_issuer = LicenceIssuer.objects.get(code=issuer)
    # Valid from a year ago to two years ahead of whatever today is: test events start a month
    # or more from now, and a fixed calendar year would expire under them.
    today = timezone.localdate()
    values: dict[str, Any] = {
        "discipline": "circuit",
        "number": f"{issuer}-{today.year}-{profile.pk:04d}",
        "valid_from": today - timedelta(days=365),
        "valid_to": today + timedelta(days=730),
        "medical_valid_to": today + timedelta(days=730),
    }
    values.update(fields)
    the_grade = LicenceGrade.objects.get(issuer=the_issuer, code=grade) if grade else None
    return Licence.objects.create(profile=profile, issuer=the_issuer, grade=the_grade, **values)


def make_vehicle(owner: DriverProfile, **fields: Any) -> Vehicle:
    values: dict[str, Any] = {
        "make": "Honda",
        "model": "Civic Type R",
        "year": 2019,
        "powertrain": "ice",
        "displacement_cc": 1996,
        "power_kw": Decimal("228"),
        "plate": "沪A·12345",
    }
    values.update(fields)
    return Vehicle.objects.create(owner=owner, **values)


def make_class(
    organization: Organization, name: str = "Touring 2000", **fields: Any
) -> CompetitionClass:
    values: dict[str, Any] = {
        "slug": name.lower().replace(" ", "-"),
        "tier": "national",
        "discipline": "circuit",
        "rules": {},
    }
    values.update(fields)
    return CompetitionClass.objects.create(organization=organization, name=name, **values)
