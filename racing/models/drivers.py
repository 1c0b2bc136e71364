from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.crypto import EncryptedCharField, EncryptedTextField, lookup_hash
from racing.engine.eligibility import age_on

ADULT_AGE = 18
# PIPL article 31: the personal information of a minor under 14 needs a guardian's consent.
GUARDIAN_CONSENT_UNDER = 14
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"


def validate_past_date(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future")
    if value.year < 1900:
        raise ValidationError(_("Enter a date after 1900."), code="too_old")


def resident_id_is_valid(number: str) -> bool:
    """GB 11643-1999: 17 digits and an ISO 7064 MOD 11-2 check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK[total % 11] == number[17].upper()


class IdentityDocument(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident identity card")
    PASSPORT = "passport", _("Passport")
    HOME_RETURN_PERMIT = "home_return_permit", _("Home Return Permit (Hong Kong and Macau)")
    TAIWAN_PERMIT = "taiwan_permit", _("Taiwan Compatriot Permit")


class BloodType(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    AB = "AB", "AB"
    O = "O", "O"  # noqa: E741
    UNKNOWN = "", _("Unknown")


class DriverProfile(models.Model):
    """A person who drives or navigates. Private fields: see `racing.queries.privacy`."""

    PRIVATE_FIELDS = (
        "id_type",
        "id_number",
        "blood_type",
        "medical_notes",
        "guardian_name",
        "guardian_relationship",
        "guardian_phone",
        "guardian_id_number",
        "guardian_consent",
    )

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="driver_profile",
        verbose_name=_("user"),
    )
    name_zh = models.CharField(_("legal name in Chinese"), max_length=60, blank=True)
    name_latin = models.CharField(
        _("legal name in Latin letters"),
        max_length=120,
        help_text=_("As in your passport, for example ZHANG Min."),
    )
    date_of_birth = models.DateField(_("date of birth"), validators=[validate_past_date])
    nationality = models.CharField(_("nationality"), max_length=60)
    id_type = models.CharField(
        _("identity document"), max_length=24, choices=IdentityDocument.choices
    )
    id_number = EncryptedCharField(_("identity document number"), max_length=40)
    # A keyed hash of the number (config.crypto.lookup_hash), so staff can find a driver by it.
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedCharField(_("mobile phone"), max_length=40)
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(15), MaxValueValidator(250)],
        help_text=_("With racing gear. Karting classes have a minimum driver weight."),
    )
    road_licence_since = models.DateField(
        _("road driving licence held since"),
        null=True,
        blank=True,
        validators=[validate_past_date],
    )
    blood_type = EncryptedCharField(
        _("blood type"), max_length=2, choices=BloodType.choices, blank=True
    )
    medical_notes = EncryptedTextField(
        _("medical notes"),
        blank=True,
        help_text=_("Allergies, conditions or medication the rescue team should know about."),
    )
    guardian_name = EncryptedCharField(_("guardian name"), max_length=120, blank=True)
    guardian_relationship = models.CharField(_("guardian relationship"), max_length=40, blank=True)
    guardian_phone = EncryptedCharField(_("guardian phone"), max_length=40, blank=True)
    guardian_id_number = EncryptedCharField(
        _("guardian identity document number"), max_length=40, blank=True
    )
    guardian_consent = models.BooleanField(
        _("the guardian consents to this minor taking part in motorsport"), default=False
    )
    guardian_consent_at = models.DateTimeField(
        _("guardian consent given at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("driver profile")
        verbose_name_plural = _("driver profiles")

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.id_number_hash = lookup_hash(self.id_number)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "id_number" in update_fields:
            kwargs["update_fields"] = {*update_fields, "id_number_hash"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        if self.name_zh and self.name_latin:
            return f"{self.name_zh} {self.name_latin}"
        return self.name_zh or self.name_latin

    def needs_guardian_consent(self, on: date | None = None) -> bool:
        """Under 14: PIPL treats all their data as sensitive and asks for a guardian's consent."""
        return age_on(self.date_of_birth, on or timezone.localdate()) < GUARDIAN_CONSENT_UNDER

    def is_minor(self, on: date | None = None) -> bool:
        return age_on(self.date_of_birth, on or timezone.localdate()) < ADULT_AGE

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.id_type == IdentityDocument.RESIDENT_ID and self.id_number:
            self.id_number = self.id_number.strip().upper()
            if not resident_id_is_valid(self.id_number):
                errors["id_number"] = ValidationError(
                    _("This is not a valid 18-character resident identity number."),
                    code="invalid_resident_id",
                )
        if self.date_of_birth and self.date_of_birth <= timezone.localdate() and self.is_minor():
            message = _("Required for drivers under 18.")
            for name in ("guardian_name", "guardian_relationship", "guardian_phone"):
                if not getattr(self, name).strip():
                    errors[name] = ValidationError(message, code="guardian_required")
            if not self.guardian_consent:
                errors["guardian_consent"] = ValidationError(
                    _("A guardian must consent for a driver under 18."), code="consent_required"
                )
            if self.needs_guardian_consent() and not self.guardian_id_number.strip():
                # PIPL: a child's data needs the guardian's consent; record who gave it.
                errors["guardian_id_number"] = ValidationError(
                    _("Required for riders under 14: the guardian gives the consent."),
                    code="guardian_id_required",
                )
        if errors:
            raise ValidationError(errors)


class EmergencyContact(models.Model):
    profile = models.ForeignKey(
        DriverProfile,
        on_delete=models.CASCADE,
        related_name="emergency_contacts",
        verbose_name=_("driver profile"),
    )
    name = EncryptedCharField(_("name"), max_length=120)
    relationship = models.CharField(_("relationship"), max_length=40)
    phone = EncryptedCharField(_("phone"), max_length=40)

    class Meta:
        ordering = ["id"]
        verbose_name = _("emergency contact")
        verbose_name_plural = _("emergency contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"
