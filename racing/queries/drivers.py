"""Reads with joins for driver, licence, vehicle and class pages."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from config.crypto import lookup_hash
from racing.engine.eligibility import GradeLadder
from racing.engine.names import full_name
from racing.models import CompetitionClass, DriverProfile, Licence, LicenceGrade, Vehicle


def grade_ladder() -> GradeLadder:
    by_issuer: dict[str, list[str]] = defaultdict(list)
    for issuer_code, grade_code in LicenceGrade.objects.order_by(
        "issuer__code", "rank"
    ).values_list("issuer__code", "code"):
        by_issuer[issuer_code].append(grade_code)
    return GradeLadder({code: tuple(grades) for code, grades in by_issuer.items()})


def licences_of(profile: DriverProfile) -> QuerySet[Licence]:
    return Licence.objects.filter(profile=profile).select_related("issuer", "grade", "verified_by")


def vehicles_of(profile: DriverProfile) -> QuerySet[Vehicle]:
    return Vehicle.objects.filter(owner=profile)


def public_name(user: Any) -> str:
    """The one name a driver goes by in public (results, the live board, the API): the racing
    profile's, else the account's full name, family name first when it is Chinese (张敏, not
    "敏 张"); never the e-mail or the username. Callers that name many drivers select
    ``driver_profile`` with the user, or this costs a query each."""
    profile = getattr(user, "driver_profile", None)
    if profile is not None and profile.display_name:
        return str(profile.display_name)
    return full_name(user.first_name, user.last_name)


def staff_name(user: Any) -> str:
    """How staff pages and exports name an account: as in public (see public_name), else the
    e-mail, so that staff can tell apart drivers who gave no name."""
    return public_name(user) or str(user.email)


def profile_for_user(user: Any) -> DriverProfile | None:
    return DriverProfile.objects.filter(user=user).prefetch_related("emergency_contacts").first()


def profile_with_id_number(number: str) -> DriverProfile | None:
    """The driver whose identity document number this is, matched by its keyed hash (the number
    itself is encrypted and cannot be searched)."""
    digest = lookup_hash(number)
    if not digest:
        return None
    return DriverProfile.objects.filter(id_number_hash=digest).first()


def licences_with_number(number: str) -> QuerySet[Licence]:
    """The licences with this number, matched by its keyed hash (the number is encrypted)."""
    digest = lookup_hash(number)
    if not digest:
        return Licence.objects.none()
    return Licence.objects.filter(number_hash=digest)


def classes_of(
    organization_id: int, *, include_archived: bool = False
) -> QuerySet[CompetitionClass]:
    classes = CompetitionClass.objects.filter(organization_id=organization_id)
    if not include_archived:
        classes = classes.filter(is_archived=False)
    return classes.order_by("tier", "name")
