"""Writes for a driver's own profile, licences and garage."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from racing.models import DriverProfile, EmergencyContact, Licence, Vehicle
from racing.queries.privacy import current_consent
from racing.services.privacy import give_consent

# Changing any of these makes an organizer's earlier verification meaningless.
VERIFIED_LICENCE_FIELDS = (
    "kind",
    "team_name",
    "issuer_id",
    "discipline",
    "grade_id",
    "number",
    "valid_from",
    "valid_to",
    "medical_valid_to",
    "is_temporary",
    "issued_on_the_spot",
    "document",
)


@transaction.atomic
def save_driver_profile(
    *,
    user: AbstractBaseUser,
    profile: DriverProfile,
    contacts: Iterable[Mapping[str, str]],
    consent: bool = False,
) -> DriverProfile:
    """Save the (validated) profile and replace its emergency contacts. `consent`: the driver
    (or for a rider under 14, the guardian) consented to the current privacy notice."""
    profile.user = user  # type: ignore[assignment]
    previous = DriverProfile.objects.filter(pk=profile.pk).values("guardian_consent").first()
    had_consent = bool(previous and previous["guardian_consent"])
    if profile.guardian_consent and not had_consent:
        profile.guardian_consent_at = timezone.now()
    elif not profile.guardian_consent:
        profile.guardian_consent_at = None
    profile.save()
    if consent and current_consent(profile) is None:
        minor = profile.needs_guardian_consent()
        give_consent(
            profile=profile,
            by_guardian=minor,
            guardian_name=profile.guardian_name,
            guardian_id_number=profile.guardian_id_number,
        )
    profile.emergency_contacts.all().delete()
    EmergencyContact.objects.bulk_create(
        EmergencyContact(
            profile=profile,
            name=c["name"],
            relationship=c["relationship"],
            phone=c["phone"],
        )
        for c in contacts
    )
    return profile


@transaction.atomic
def save_licence(*, profile: DriverProfile, licence: Licence) -> Licence:
    """Save a driver's licence; an edit to what was verified withdraws the verification."""
    licence.profile = profile
    if licence.pk is not None:
        before = Licence.objects.select_for_update().get(pk=licence.pk, profile=profile)
        changed = any(
            getattr(before, name) != getattr(licence, name) for name in VERIFIED_LICENCE_FIELDS
        )
        if changed:
            licence.verified_by = None
            licence.verified_at = None
        if before.document and before.document.name != licence.document.name:
            _delete_file_after_commit(before.document)
    licence.save()
    return licence


def _delete_file_after_commit(document: Any) -> None:
    # After commit: a rolled-back change must not lose the file it still points to.
    name: str = document.name or ""
    storage = document.storage
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def verify_licence(*, licence: Licence, verified_by: AbstractBaseUser) -> Licence:
    locked = Licence.objects.select_for_update().get(pk=licence.pk)
    if locked.verified_at is None:
        locked.verified_by = verified_by  # type: ignore[assignment]
        locked.verified_at = timezone.now()
        locked.save(update_fields=["verified_by", "verified_at"])
    return locked


def delete_licence(*, licence: Licence) -> None:
    document = licence.document
    licence.delete()
    if document:
        _delete_file_after_commit(document)


def save_vehicle(*, owner: DriverProfile, vehicle: Vehicle) -> Vehicle:
    vehicle.owner = owner
    vehicle.save()
    return vehicle


def delete_vehicle(*, vehicle: Vehicle) -> None:
    vehicle.delete()
