"""An organization's own merchant accounts (WeChat Pay, Alipay) and the notifications they send.

Keys and certificates are encrypted at rest (config/crypto.py, the site's one mechanism, so key
rotation covers them) in one text column holding a JSON object; only the identifiers a person
needs to see (merchant id, app id, serial numbers) are in clear.
"""

from __future__ import annotations

import json

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.crypto import EncryptedTextField
from racing.models import Organization


class Provider(models.TextChoices):
    WECHATPAY = "wechatpay", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")


class MerchantAccount(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="merchant_accounts",
        verbose_name=_("organization"),
    )
    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices)
    enabled = models.BooleanField(_("take payments with it"), default=False)
    # WeChat Pay: appid (of the official account / site) and mchid. Alipay: app_id and the
    # merchant's user id (2088...), optional.
    app_id = models.CharField(_("app id"), max_length=64)
    merchant_id = models.CharField(_("merchant id"), max_length=64, blank=True)
    key_serial = models.CharField(_("merchant certificate serial"), max_length=64, blank=True)
    platform_serial = models.CharField(
        _("platform certificate serial or public key id"), max_length=64, blank=True
    )
    sealed_secrets = EncryptedTextField(blank=True)
    tested_at = models.DateTimeField(_("last connection test"), null=True, blank=True)
    test_passed = models.BooleanField(_("connection test passed"), default=False)
    test_message = models.CharField(_("connection test result"), max_length=500, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organization", "provider"]
        verbose_name = _("merchant account")
        verbose_name_plural = _("merchant accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "provider"], name="merchant_account_one_per_provider"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_provider_display()}"

    @property
    def secrets(self) -> dict[str, str]:
        """private_key, platform_key and api_v3_key (WeChat Pay); private_key and
        alipay_public_key (Alipay)."""
        return json.loads(self.sealed_secrets) if self.sealed_secrets else {}

    def set_secrets(self, values: dict[str, str]) -> None:
        self.sealed_secrets = json.dumps(values)

    def notify_url(self) -> str:
        return reverse(f"events:{self.provider}-notify", kwargs={"account_id": self.pk})


class ProviderNotification(models.Model):
    """Each notification id is handled once per provider: a replay finds its row and changes
    nothing (WeChat Pay's `id`, Alipay's `notify_id`)."""

    provider = models.CharField(max_length=10, choices=Provider.choices)
    notification_id = models.CharField(max_length=128)
    account = models.ForeignKey(MerchantAccount, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20)
    reference = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("provider notification")
        verbose_name_plural = _("provider notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "notification_id"], name="provider_notification_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.notification_id}"
