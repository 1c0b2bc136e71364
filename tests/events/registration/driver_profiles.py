"""A driver's profile, licence and car, as the approval and sign-on tests need them."""

from __future__ import annotations

from datetime import date
from typing import Any

from racing.models import (
    DriverProfile,
    EmergencyContact,
    Licence,
    LicenceGrade,
    LicenceIssuer,
    Vehicle,
)
from racing.services.privacy import give_consent


def give_profile(user: Any, *, born: date, valid_from: date, valid_to: date) -> DriverProfile:
    profile = DriverProfile.objects.create(
        user=user,
        name_zh="王芳",
        name_latin="WANG Fang",
        date_of_birth=born,
        nationality="China",
        id_type="passport",
        id_number="E12345678",
        phone="+86 139 0000 1111",
        guardian_name="王强",
        guardian_relationship="father",
        guardian_phone="+86 139 0000 2222",
        guardian_consent=True,
    )
    EmergencyContact.objects.create(
        profile=profile, name="王强", relationship="father", phone="+86 139 0000 2222"
    )
    give_consent(
        profile=profile, by_guardian=profile.needs_guardian_consent(), guardian_name="王强"
    )
    # Seeded by a migration, but a transactional test's flush removes them.
    issuer, _ = LicenceIssuer.objects.get_or_create(
        code="CAMF", defaults={"name_zh": "中国汽车摩托车运动联合会", "name_en": "CAMF"}
    )
    grade, _ = LicenceGrade.objects.get_or_create(
        issuer=issuer,
        code="C",
        defaults={"name_zh": "国家C级", "name_en": "National C", "rank": 10},
    )
    Licence.objects.create(
        profile=profile,
        issuer=grade.issuer,
        grade=grade,
        discipline="karting",
        number="K-2041",
        valid_from=valid_from,
        valid_to=valid_to,
    )
    return profile


def give_car(profile: DriverProfile) -> Vehicle:
    return Vehicle.objects.create(
        owner=profile, make="Tony Kart", model="Racer 401", year=2022, powertrain="ice"
    )
