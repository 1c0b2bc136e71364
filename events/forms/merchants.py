"""The owner's settings of the organization's own WeChat Pay and Alipay accounts.

Secrets are never shown back: an empty secret field keeps the stored one. Keys are checked to
be readable here, so a paste error is a form error, not a failed payment later.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from events.gateways import signing


def _key_field(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
        help_text=help_text,
    )


class MerchantForm(forms.Form):
    provider = ""
    # Secret fields and the reader that must accept each.
    secret_fields: dict[str, Any] = {}
    # Secrets the account works without (a feature needing one is then not offered).
    optional_secrets: frozenset[str] = frozenset()

    enabled = forms.BooleanField(label=_("Take payments with this account"), required=False)

    def __init__(self, *args: Any, stored: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stored = stored
        for name in self.secret_fields:
            if name in stored:
                self.fields[name].help_text = _("Stored (sealed). Leave empty to keep it.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, reader in self.secret_fields.items():
            value = (data.get(name) or "").strip()
            data[name] = value
            if not value:
                if name not in self.stored and name not in self.optional_secrets:
                    self.add_error(name, _("This key is required."))
                continue
            try:
                reader(value)
            except (signing.UnreadableKey, ValueError):
                self.add_error(name, _("This key cannot be read. Paste it whole, as downloaded."))
        return data

    def secrets(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.secret_fields}


def _app_secret(value: str) -> str:
    if len(value) != 32 or not value.isalnum():
        raise ValueError("32 letters and digits")
    return value


def _api_v3_key(value: str) -> str:
    if len(value.encode()) != 32:
        raise ValueError("32 bytes")
    return value


class WeChatPayForm(MerchantForm):
    provider = "wechatpay"
    secret_fields = {
        "private_key": signing.load_private_key,
        "api_v3_key": _api_v3_key,
        "platform_key": signing.load_public_key,
        "app_secret": _app_secret,
    }
    optional_secrets = frozenset({"app_secret"})

    app_id = forms.CharField(
        label=_("AppID"),
        max_length=64,
        help_text=_("The AppID bound to your merchant account (official account or website)."),
    )
    merchant_id = forms.RegexField(
        label=_("Merchant ID (mchid)"),
        regex=r"^\d{8,12}$",
        error_messages={"invalid": _("A merchant ID is 8 to 12 digits.")},
    )
    key_serial = forms.RegexField(
        label=_("Merchant API certificate serial number"),
        regex=r"^[0-9A-Fa-f]{8,40}$",
        error_messages={"invalid": _("A serial number is hexadecimal.")},
    )
    private_key = _key_field(
        _("Merchant API private key (apiclient_key.pem)"),
        _("The private key of your merchant API certificate."),
    )
    api_v3_key = forms.CharField(
        label=_("APIv3 key"),
        required=False,
        max_length=32,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("The 32-character key set in the merchant platform."),
    )
    platform_key = _key_field(
        _("WeChat Pay platform certificate or public key"),
        _("Used to verify every answer and notification from WeChat Pay."),
    )
    app_secret = forms.CharField(
        label=_("Official account AppSecret (optional)"),
        required=False,
        max_length=32,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "Only to take payments inside WeChat (JSAPI): WeChat signs the payer in to this "
            "official account for their openid. Needs an ICP-filed domain set as the official "
            "account's web authorisation domain and as a JSAPI payment directory."
        ),
    )
    platform_serial = forms.CharField(
        label=_("Platform certificate serial number or public key ID"),
        max_length=64,
        required=False,
        help_text=_("Filled in from the certificate when left empty; PUB_KEY_ID_... for a key."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("key_serial"):
            data["key_serial"] = data["key_serial"].upper()
        platform = data.get("platform_key") or ""
        if not data.get("platform_serial"):
            if "CERTIFICATE" in platform:
                with contextlib.suppress(signing.UnreadableKey):
                    data["platform_serial"] = signing.certificate_serial(platform)
            if not data.get("platform_serial") and "platform_serial" not in self.errors:
                self.add_error(
                    "platform_serial",
                    _("Enter the serial number or public key ID WeChat Pay shows for it."),
                )
        return data


class AlipayForm(MerchantForm):
    provider = "alipay"
    secret_fields = {
        "private_key": signing.load_private_key,
        "alipay_public_key": signing.load_public_key,
    }

    app_id = forms.RegexField(
        label=_("APPID"),
        regex=r"^\d{16}$",
        error_messages={"invalid": _("An Alipay APPID is 16 digits.")},
    )
    merchant_id = forms.RegexField(
        label=_("Merchant PID (seller id)"),
        regex=r"^2088\d{12}$",
        required=False,
        error_messages={"invalid": _("A PID is 16 digits starting with 2088.")},
        help_text=_("When given, notifications for another seller are refused."),
    )
    private_key = _key_field(
        _("Application private key (RSA2)"),
        _("The private key your application signs with (PKCS#8 or PEM)."),
    )
    alipay_public_key = _key_field(
        _("Alipay public key"),
        _("Shown in the Alipay open platform after you upload your application public key."),
    )
    key_serial = forms.CharField(required=False, widget=forms.HiddenInput)
    platform_serial = forms.CharField(required=False, widget=forms.HiddenInput)
