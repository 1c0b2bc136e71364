"""Who may see a driver's private data (identity document, medical, guardian and emergency
contact details, licence scans), and how.

- The driver always sees all of it.
- Staff of an organization see it *masked*, only while an entry of the driver in one of its
  events is active (held, awaiting approval, confirmed, on the waiting list, offered) and until
  the organization's ``private_data_days`` after that event; cancelled, rejected and expired
  entries give nothing. A staff member who joined after the driver entered sees it only for
  events they work on as an official. `events` answers this through
  `racing.hooks.private_data_access` (racing does not know entries).
- Officials of such an event (scrutineer, medical officer, clerk of the course) may *reveal* it
  in full, stating why; every reveal is recorded (`racing.services.privacy.record_reveal`) and
  listed to the driver.
- A driver who withdrew consent is shown to nobody but themselves.
Never public pages, feeds or the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from racing.engine.masking import mask_number, mask_phone, mask_text
from racing.hooks import collect_entered_organization_ids, collect_private_data_access
from racing.models import DriverProfile, PrivacyRecord, SensitiveDataConsent

# What an official may reveal comes in parts, so each duty sees only what it needs
# (events.queries.privacy maps duties to parts).
IDENTITY = "identity"  # identity document numbers (the driver's, the guardian's), licence scans
MEDICAL = "medical"  # blood type, medical notes
CONTACTS = "contacts"  # the guardian's name and phone, emergency contacts
PARTS = frozenset({IDENTITY, MEDICAL, CONTACTS})


@dataclass(frozen=True)
class PrivateAccess:
    see: bool = False
    parts: frozenset[str] = frozenset()  # what may be revealed in full
    own: bool = False

    @property
    def reveal(self) -> bool:
        return bool(self.parts)


NO_ACCESS = PrivateAccess()


def consent_withdrawn(profile: DriverProfile) -> bool:
    """True when the driver's latest consent is withdrawn (no consent at all is not a withdrawal:
    profiles from before consents were recorded are asked at their next entry)."""
    latest = SensitiveDataConsent.objects.filter(profile=profile).first()
    return latest is not None and latest.withdrawn_at is not None


def current_consent(profile: DriverProfile) -> SensitiveDataConsent | None:
    consent = SensitiveDataConsent.objects.filter(profile=profile).first()
    return consent if consent is not None and consent.is_current else None


def consent_refusal(profile: DriverProfile) -> str | None:
    """Why an entry must be refused for want of consent to process the profile's sensitive
    data; None when the consent is there."""
    consent = current_consent(profile)
    if consent is None:
        return gettext(
            "Your consent to processing your identity, medical and emergency contact details "
            "is missing or was withdrawn: give it on your driver profile, then enter again."
        )
    if profile.needs_guardian_consent() and not consent.given_by_guardian:
        return gettext(
            "A rider under 14 needs their guardian's consent: the guardian gives it on the "
            "driver profile, with their name and identity document number."
        )
    return None


def private_access(viewer: Any, profile: DriverProfile, organization_id: int) -> PrivateAccess:
    if viewer is None or not viewer.is_authenticated:
        return NO_ACCESS
    if viewer.pk == profile.user_id:
        return PrivateAccess(see=True, parts=PARTS, own=True)
    if consent_withdrawn(profile):
        return NO_ACCESS
    see, parts = collect_private_data_access(viewer, profile, organization_id)
    return PrivateAccess(see=see, parts=parts & PARTS if see else frozenset())


def can_view_private_data(viewer: Any, profile: DriverProfile, organization_id: int) -> bool:
    return private_access(viewer, profile, organization_id).see


def has_entered(profile: DriverProfile, organization_id: int) -> bool:
    return organization_id in collect_entered_organization_ids(profile)


@dataclass(frozen=True)
class PrivateView:
    """What a page shows of the private fields: each part in full or masked."""

    id_number: str
    phone: str
    blood_type: str
    medical_notes: str
    guardian_name: str
    guardian_phone: str
    guardian_id_number: str
    contacts: list[tuple[str, str, str]]
    parts: frozenset[str]

    @property
    def revealed(self) -> bool:
        return bool(self.parts)


def private_view(profile: DriverProfile, *, parts: frozenset[str] = frozenset()) -> PrivateView:
    """The private fields, with the `parts` in full and the rest masked."""
    contacts = list(profile.emergency_contacts.all())
    identity, medical, contact = IDENTITY in parts, MEDICAL in parts, CONTACTS in parts
    return PrivateView(
        id_number=profile.id_number if identity else mask_number(profile.id_number),
        phone=profile.phone if contact else mask_phone(profile.phone),
        guardian_id_number=(
            profile.guardian_id_number if identity else mask_number(profile.guardian_id_number)
        ),
        blood_type=(
            (profile.get_blood_type_display() if profile.blood_type else "")
            if medical
            else mask_text(profile.blood_type)
        ),
        medical_notes=profile.medical_notes if medical else mask_text(profile.medical_notes),
        guardian_name=profile.guardian_name if contact else mask_text(profile.guardian_name),
        guardian_phone=profile.guardian_phone if contact else mask_phone(profile.guardian_phone),
        contacts=[
            (c.name, c.relationship, c.phone)
            if contact
            else (mask_text(c.name), c.relationship, mask_phone(c.phone))
            for c in contacts
        ],
        parts=parts & PARTS,
    )


def reveals_of(profile: DriverProfile) -> list[PrivacyRecord]:
    """Every reveal of the driver's data to staff, newest first, for the driver's own page."""
    return list(
        PrivacyRecord.objects.filter(profile=profile, kind=PrivacyRecord.Kind.REVEAL)
        .select_related("organization")
        .order_by("-created_at", "-pk")
    )


# How long after a reveal its official may open the driver's licence scans.
REVEAL_LASTS = timedelta(minutes=15)


def recently_revealed(*, profile: DriverProfile, organization: Any, actor: Any) -> bool:
    return PrivacyRecord.objects.filter(
        profile=profile,
        organization=organization,
        actor=actor,
        kind=PrivacyRecord.Kind.REVEAL,
        created_at__gte=timezone.now() - REVEAL_LASTS,
    ).exists()
