"""What PIPL asks Paddock to record about personal data: consents, and the facts of reveals,
purges, withdrawals and exports (never the data itself)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.crypto import EncryptedCharField
from racing.models.drivers import DriverProfile
from racing.models.organizations import Organization

# Bump when the consent text (templates/racing/privacy/_consent.html) changes: profiles whose
# consent has an older version are asked again before their next entry.
CONSENT_VERSION = "2026-12"


class SensitiveDataConsent(models.Model):
    """A separate consent to process sensitive personal information (identity documents, medical
    data, a minor's data), given where it is collected, with the version of the text agreed to."""

    profile = models.ForeignKey(
        DriverProfile,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("driver profile"),
    )
    version = models.CharField(_("version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), auto_now_add=True)
    given_by_guardian = models.BooleanField(_("given by the guardian"), default=False)
    guardian_name = EncryptedCharField(_("guardian name"), max_length=120, blank=True)
    guardian_id_number = EncryptedCharField(
        _("guardian identity document number"), max_length=40, blank=True
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("consent to process sensitive data")
        verbose_name_plural = _("consents to process sensitive data")

    def __str__(self) -> str:
        return f"{self.profile_id} v{self.version}"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None and self.version == CONSENT_VERSION


class PrivacyRecord(models.Model):
    """The fact that something happened to a person's private data: who, when, why; no values."""

    class Kind(models.TextChoices):
        REVEAL = "reveal", _("Revealed to staff")
        WITHDRAWAL = "withdrawal", _("Consent withdrawn")
        PURGE = "purge", _("Deleted after the retention period")
        EXPORT = "export", _("Downloaded by the person")

    profile = models.ForeignKey(
        DriverProfile,
        on_delete=models.CASCADE,
        related_name="privacy_records",
        verbose_name=_("driver profile"),
    )
    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # The staff member's name as it was, so the driver still reads who it was if they leave.
    actor_name = models.CharField(_("by"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("privacy record")
        verbose_name_plural = _("privacy records")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"
