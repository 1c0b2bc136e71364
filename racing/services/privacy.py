"""Writes about personal data: reveals, consents and their withdrawal, the retention purge."""

from __future__ import annotations

from functools import partial
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from racing.hooks import collect_deletion_blockers, run_deletion_steps
from racing.models import (
    DriverProfile,
    Licence,
    Membership,
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
    "guardian_name": "",
    "guardian_phone": "",
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


class DeletionRefused(Exception):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@transaction.atomic
def delete_account(*, user: Any, replace_name: bool) -> list[str]:
    """Delete or anonymise what no legal duty keeps; returns what was kept and why.

    Deleted: the driver profile with its licences and scans, emergency contacts, vehicles,
    consents and privacy records; memberships; e-mail addresses; calendar links. The account
    itself stays as an empty shell that cannot sign in (entries point at it), with a made-up
    address, and without its name if the person asked for it to be replaced.
    """
    blockers = collect_deletion_blockers(user)
    for membership in Membership.objects.filter(user=user, role=Membership.Role.OWNER):
        others = Membership.objects.filter(
            organization=membership.organization_id, role=Membership.Role.OWNER
        ).exclude(user=user)
        if not others.exists():
            blockers.append(
                gettext(
                    "You are the only owner of %(organization)s: make someone else an owner first."
                )
                % {"organization": membership.organization.name}
            )
    if blockers:
        raise DeletionRefused(blockers)
    kept = run_deletion_steps(user, replace_name)
    profile = DriverProfile.objects.filter(user=user).first()
    if profile is not None:
        _delete_scans(profile)
        profile.delete()
    Membership.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.username = f"deleted-{user.pk}"
    if replace_name:
        user.first_name = ""
        user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    return kept
