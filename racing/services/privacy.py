"""Writes about personal data: reveals, consents and their withdrawal, the retention purge."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from racing.models import (
    DriverProfile,
    Licence,
    Organization,
    PrivacyRecord,
    SensitiveDataConsent,
)
from racing.models.privacy import CONSENT_VERSION
from racing.queries.drivers import staff_name


def record_reveal(
    *, profile: DriverProfile, organization: Organization, actor: Any, reason: str
) -> PrivacyRecord:
    """The fact of a reveal (who, when, why): never the values revealed."""
    return PrivacyRecord.objects.create(
        profile=profile,
        kind=PrivacyRecord.Kind.REVEAL,
        organization=organization,
        actor=actor,
        actor_name=staff_name(actor),
        reason=reason.strip(),
    )


def give_consent(
    *,
    profile: DriverProfile,
    by_guardian: bool = False,
    guardian_name: str = "",
    guardian_id_number: str = "",
) -> SensitiveDataConsent:
    return SensitiveDataConsent.objects.create(
        profile=profile,
        version=CONSENT_VERSION,
        given_by_guardian=by_guardian,
        guardian_name=guardian_name if by_guardian else "",
        guardian_id_number=guardian_id_number if by_guardian else "",
    )


@transaction.atomic
def withdraw_consent(*, profile: DriverProfile) -> None:
    """Stops new use at once (staff see nothing, entries are refused) and schedules deletion:
    the next `purge_personal_data` run deletes the sensitive data."""
    now = timezone.now()
    SensitiveDataConsent.objects.filter(profile=profile, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    PrivacyRecord.objects.create(profile=profile, kind=PrivacyRecord.Kind.WITHDRAWAL)


SENSITIVE_PROFILE_FIELDS = {
    "id_number": "",
    "blood_type": "",
    "medical_notes": "",
    "guardian_id_number": "",
}
MEDICAL_PROFILE_FIELDS = {"blood_type": "", "medical_notes": ""}


def _delete_scans(profile: DriverProfile) -> int:
    count = 0
    for licence in Licence.objects.filter(profile=profile).exclude(document=""):
        name, storage = licence.document.name, licence.document.storage
        Licence.objects.filter(pk=licence.pk).update(document="")
        transaction.on_commit(partial(storage.delete, str(name)))
        count += 1
    return count


@transaction.atomic
def purge_profile(*, profile: DriverProfile, withdrawn: bool, reason: str) -> bool:
    """Delete medical data and licence scans (and, after a withdrawal, identity numbers too).

    Results, entries and the rest of the profile stay. A record keeps the fact, not the data.
    Returns whether anything was deleted.
    """
    fields = SENSITIVE_PROFILE_FIELDS if withdrawn else MEDICAL_PROFILE_FIELDS
    locked = DriverProfile.objects.select_for_update().get(pk=profile.pk)
    changed = [name for name, empty in fields.items() if getattr(locked, name) != empty]
    for name in changed:
        setattr(locked, name, fields[name])
    if changed:
        locked.save(update_fields=changed)
    scans = _delete_scans(locked)
    contacts = locked.emergency_contacts.all().delete()[0] if withdrawn else 0
    if not changed and not scans and not contacts:
        return False
    PrivacyRecord.objects.create(profile=locked, kind=PrivacyRecord.Kind.PURGE, reason=reason)
    return True
