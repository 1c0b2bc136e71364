"""Organizations' own merchant accounts: which provider takes a payment, with which keys, and the
owner's settings (saved sealed, then tested against the provider's query API)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.gateways import alipay, signing, stripe, wechatpay
from events.gateways.base import InvalidNotification, Notification, PaymentProviderError
from events.gateways.providers import (
    AlipayProvider,
    AtTrackProvider,
    Provider,
    StripeProvider,
    WeChatPayProvider,
)
from events.models import Entry, MerchantAccount, Payment
from events.models import Provider as ProviderCode
from racing.models import Organization

STRIPE = "stripe"


def absolute_url(path: str) -> str:
    return settings.PADDOCK_SITE_URL.rstrip("/") + path


def merchant_provider(account: MerchantAccount) -> Provider:
    """The provider speaking with this organization's keys."""
    try:
        keys = account.secrets
    except ValueError as exc:  # not decryptable with the site's keys, or not JSON
        raise PaymentProviderError(
            _("The merchant keys cannot be read; the owner must enter them again."),
            detail=str(exc),
        ) from exc
    if account.provider == ProviderCode.WECHATPAY:
        return WeChatPayProvider(
            wechatpay.Account(
                mchid=account.merchant_id,
                appid=account.app_id,
                serial_no=account.key_serial,
                private_key=keys.get("private_key", ""),
                api_v3_key=keys.get("api_v3_key", ""),
                platform_key=keys.get("platform_key", ""),
                platform_serial=account.platform_serial,
                api_base=settings.WECHATPAY_API_BASE,
            )
        )
    return AlipayProvider(
        alipay.Account(
            app_id=account.app_id,
            private_key=keys.get("private_key", ""),
            alipay_public_key=keys.get("alipay_public_key", ""),
            seller_id=account.merchant_id,
            gateway=settings.ALIPAY_GATEWAY,
        )
    )


def provider_for_payment(payment: Payment) -> Provider:
    if payment.method == Payment.Method.STRIPE:
        return StripeProvider()
    if payment.merchant is not None:
        return merchant_provider(payment.merchant)
    return AtTrackProvider()


def _connected(organization: Organization) -> list[MerchantAccount]:
    if organization.currency.upper() != "CNY":
        # Both take CNY only from a mainland merchant account.
        return []
    return list(organization.merchant_accounts.filter(enabled=True, test_passed=True))


def offered_providers(*, organization: Organization, allowed: list[str]) -> list[str]:
    """The online providers an entry may pay with, in the order they are offered.

    `allowed` is the class's choice (empty: all). WeChat Pay and Alipay need an enabled account
    whose connection test passed; Stripe needs the site's keys.
    """
    codes = [account.provider for account in _connected(organization)]
    if stripe.stripe_enabled():
        codes.append(STRIPE)
    order = [ProviderCode.WECHATPAY, ProviderCode.ALIPAY, STRIPE]
    return [c for c in order if c in codes and (not allowed or c in allowed)]


def entry_providers(entry: Entry) -> list[str]:
    return offered_providers(
        organization=entry.event.organization, allowed=list(entry.entry_class.payment_providers)
    )


def online_payment_for(entry: Entry) -> bool:
    return bool(entry_providers(entry))


def enabled_account(organization_id: int, provider: str) -> MerchantAccount | None:
    return (
        MerchantAccount.objects.select_related("organization")
        .filter(organization_id=organization_id, provider=provider, enabled=True, test_passed=True)
        .first()
    )


# --- the owner's settings -----------------------------------------------------------------------


def save_account(
    *,
    organization: Organization,
    provider: str,
    app_id: str,
    merchant_id: str,
    key_serial: str,
    platform_serial: str,
    secrets: dict[str, str],
    enabled: bool,
) -> MerchantAccount:
    """Store the settings; an empty secret keeps the stored one (the form never shows them).

    Saving new keys clears the last test result: the account takes payments again only once a
    connection test with these keys passed.
    """
    with transaction.atomic():
        account = (
            MerchantAccount.objects.select_for_update()
            .filter(organization=organization, provider=provider)
            .first()
        ) or MerchantAccount(organization=organization, provider=provider)
        stored = account.secrets if account.sealed_secrets else {}
        changed = any(secrets.values()) or (
            (app_id, merchant_id, key_serial, platform_serial)
            != (account.app_id, account.merchant_id, account.key_serial, account.platform_serial)
        )
        stored.update({k: v for k, v in secrets.items() if v})
        account.set_secrets(stored)
        account.app_id, account.merchant_id = app_id, merchant_id
        account.key_serial, account.platform_serial = key_serial, platform_serial
        account.enabled = enabled
        if changed:
            account.test_passed = False
            account.test_message = ""
            account.tested_at = None
        account.updated_at = timezone.now()
        account.save()
    return account


def check_connection(*, account_id: int) -> MerchantAccount:
    """Ask the provider about an order that does not exist: a signed, verified "no such order"
    proves the ids and every key (ours to sign, theirs to verify) are right."""
    account = MerchantAccount.objects.get(pk=account_id)
    probe = f"PDKTEST{timezone.now():%Y%m%d%H%M%S}"
    try:
        merchant_provider(account).query_order(probe)
    except (PaymentProviderError, signing.UnreadableKey) as exc:
        passed, message = False, f"{exc} {getattr(exc, 'detail', '')}".strip()
    else:
        passed, message = True, _("Connected: the provider answered and its signature is valid.")
    MerchantAccount.objects.filter(pk=account.pk).update(
        test_passed=passed, test_message=message[:500], tested_at=timezone.now()
    )
    account.refresh_from_db()
    return account


def read_notification(account: MerchantAccount, headers: Any, body: bytes) -> Notification:
    """Verify a notification with this account's keys (InvalidNotification when it fails)."""
    try:
        provider = merchant_provider(account)
    except PaymentProviderError as exc:
        raise InvalidNotification(str(exc)) from exc
    return provider.parse_notification(headers, body)


# --- paying inside WeChat (JSAPI) -----------------------------------------------------------


def wechat_sign_in_address(account: MerchantAccount, *, redirect_uri: str, state: str) -> str:
    """Where a payer inside WeChat signs in silently for their openid, or "" when the owner has
    not entered the official account's AppSecret (JSAPI is then not offered)."""
    if not account.secrets.get("app_secret"):
        return ""
    return wechatpay.oauth_address(
        appid=account.app_id,
        redirect_uri=redirect_uri,
        state=state,
        base=settings.WECHAT_OAUTH_AUTHORIZE,
    )


def wechat_openid(account: MerchantAccount, *, code: str) -> str:
    return wechatpay.openid_for_code(
        appid=account.app_id,
        app_secret=account.secrets.get("app_secret", ""),
        code=code,
        api_base=settings.WECHAT_OAUTH_API,
    )


def jsapi_bridge(payment: Payment) -> dict[str, str]:
    """Fresh, signed parameters for WeixinJSBridge to pay this JSAPI order."""
    if payment.merchant is None or not payment.checkout_url.startswith(wechatpay.JSAPI_PREFIX):
        raise PaymentProviderError(_("This payment is not a WeChat Pay order."))
    provider = merchant_provider(payment.merchant)
    assert isinstance(provider, WeChatPayProvider)
    prepay_id = payment.checkout_url.removeprefix(wechatpay.JSAPI_PREFIX)
    return wechatpay.bridge_parameters(provider.account, prepay_id)
