"""A notification is believed only when its signature verifies with the organizer's keys, it is
fresh, it is about that account's own order, and its id was not handled before."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from events.models import Entry, Payment, ProviderNotification
from events.services.checkout import start_checkout
from tests.fakes.merchant_keys import key_pair

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def wechat_order(
    event: Any, driver: Any, register: Any, fake_wechatpay: Any, connect_merchant: Any
) -> Any:
    account = connect_merchant(event.organization, fake_wechatpay, "wechatpay")
    entry = register(driver, event.entry_classes.get())
    payment = start_checkout(entry_id=entry.pk, driver=driver, provider="wechatpay")
    return account, entry, payment


@pytest.fixture
def alipay_order(
    event: Any, driver: Any, register: Any, fake_alipay: Any, connect_merchant: Any
) -> Any:
    account = connect_merchant(event.organization, fake_alipay, "alipay")
    entry = register(driver, event.entry_classes.get())
    payment = start_checkout(entry_id=entry.pk, driver=driver, provider="alipay")
    fake_alipay.open(payment.checkout_url)
    return account, entry, payment


def post_wechat(client: Any, account: Any, notification: Any, body: bytes | None = None) -> Any:
    return client.post(
        account.notify_url(),
        data=body if body is not None else notification.body,
        content_type="application/json",
        **notification.django_headers,
    )


def post_alipay(client: Any, account: Any, form: dict[str, str]) -> Any:
    return client.post(
        account.notify_url(),
        data=urlencode(form),
        content_type="application/x-www-form-urlencoded",
    )


def assert_nothing_changed(entry: Any, payment: Any) -> None:
    entry.refresh_from_db()
    payment.refresh_from_db()
    assert entry.status == Entry.Status.HELD
    assert payment.status == Payment.Status.PENDING
    assert not ProviderNotification.objects.exists()


@pytest.mark.parametrize(
    "forgery", ["another key", "stale", "tampered body", "wrong APIv3 key", "no signature"]
)
def test_a_forged_or_stale_wechatpay_notification_gets_400_and_changes_nothing(
    wechat_order: Any, fake_wechatpay: Any, client: Any, forgery: str
) -> None:
    account, entry, payment = wechat_order
    fake_wechatpay.pay(payment.provider_reference)
    resource = fake_wechatpay.transaction(payment.provider_reference)
    url = account.notify_url()

    if forgery == "another key":
        note = fake_wechatpay.notification(
            "TRANSACTION.SUCCESS", resource, url, signer=key_pair("attacker")
        )
        response = post_wechat(client, account, note)
    elif forgery == "stale":
        note = fake_wechatpay.notification(
            "TRANSACTION.SUCCESS", resource, url, timestamp=int(time.time()) - 3600
        )
        response = post_wechat(client, account, note)
    elif forgery == "tampered body":
        note = fake_wechatpay.notification("TRANSACTION.SUCCESS", resource, url)
        response = post_wechat(
            client, account, note, body=note.body.replace(b"TRANSACTION", b"TRANSACTIoN")
        )
    elif forgery == "wrong APIv3 key":
        # Signed by the platform but sealed under another key: it cannot be opened.
        note = fake_wechatpay.notification(
            "TRANSACTION.SUCCESS", resource, url, api_v3_key="0" * 32
        )
        response = post_wechat(client, account, note)
    else:
        response = client.post(url, data=b"{}", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "FAIL"
    assert_nothing_changed(entry, payment)


def test_a_replayed_wechatpay_notification_is_applied_once(
    wechat_order: Any, fake_wechatpay: Any, client: Any
) -> None:
    account, entry, payment = wechat_order
    note = fake_wechatpay.pay(payment.provider_reference)

    first = post_wechat(client, account, note)
    replay = post_wechat(client, account, note)

    assert (first.status_code, replay.status_code) == (204, 204)
    assert ProviderNotification.objects.count() == 1
    entry.refresh_from_db()
    assert entry.status == Entry.Status.CONFIRMED


def test_a_wechatpay_notification_for_another_merchants_order_changes_nothing(
    wechat_order: Any, fake_wechatpay: Any, client: Any
) -> None:
    account, entry, payment = wechat_order
    fake_wechatpay.pay(payment.provider_reference)
    resource = fake_wechatpay.transaction(payment.provider_reference)
    resource["mchid"] = "1900009999"
    note = fake_wechatpay.notification("TRANSACTION.SUCCESS", resource, account.notify_url())

    assert post_wechat(client, account, note).status_code == 400
    assert_nothing_changed(entry, payment)


def test_a_wechatpay_notification_with_another_amount_confirms_nothing(
    wechat_order: Any, fake_wechatpay: Any, client: Any
) -> None:
    account, entry, payment = wechat_order
    note = fake_wechatpay.pay(payment.provider_reference, payer_total=1)

    assert post_wechat(client, account, note).status_code == 204
    entry.refresh_from_db()
    assert entry.status == Entry.Status.HELD
    assert payment.audit_log.filter(action="payment_mismatch").exists()


def _beijing(delta: timedelta) -> str:
    return (datetime.now(ZoneInfo("Asia/Shanghai")) + delta).strftime("%Y-%m-%d %H:%M:%S")


@pytest.mark.parametrize(
    "forgery", ["another key", "stale", "tampered amount", "another app", "no signature"]
)
def test_a_forged_or_stale_alipay_notification_is_refused_and_changes_nothing(
    alipay_order: Any, fake_alipay: Any, client: Any, forgery: str
) -> None:
    account, entry, payment = alipay_order
    reference = payment.provider_reference
    fake_alipay.pay(reference)

    if forgery == "another key":
        form = fake_alipay.notification(reference, signer=key_pair("attacker"))
    elif forgery == "stale":
        form = fake_alipay.notification(reference, notify_time=_beijing(-timedelta(days=3)))
    elif forgery == "tampered amount":
        form = fake_alipay.notification(reference)
        form["total_amount"] = "0.01"
    elif forgery == "another app":
        form = fake_alipay.notification(reference, app_id="2021000000009999")
    else:
        form = fake_alipay.notification(reference)
        del form["sign"]

    response = post_alipay(client, account, form)

    assert response.status_code == 400
    assert response.content == b"fail"
    assert_nothing_changed(entry, payment)


def test_a_replayed_alipay_notification_is_applied_once(
    alipay_order: Any, fake_alipay: Any, client: Any
) -> None:
    account, entry, payment = alipay_order
    form = fake_alipay.pay(payment.provider_reference)

    first = post_alipay(client, account, form)
    replay = post_alipay(client, account, form)

    assert (first.content, replay.content) == (b"success", b"success")
    assert ProviderNotification.objects.count() == 1
    entry.refresh_from_db()
    assert entry.status == Entry.Status.CONFIRMED


def test_a_notification_to_another_organizations_address_changes_nothing(
    alipay_order: Any,
    fake_alipay: Any,
    client: Any,
    make_organization: Any,
    make_user: Any,
    connect_merchant: Any,
) -> None:
    _account, entry, payment = alipay_order
    other = make_organization("Other Club", owner=make_user("other-owner@example.test"))
    other_account = connect_merchant(other, fake_alipay, "alipay")
    form = fake_alipay.pay(payment.provider_reference)

    # Signed with the same keys (the fake has one pair), but this order is not the other's.
    assert post_alipay(client, other_account, form).content == b"success"

    entry.refresh_from_db()
    assert entry.status == Entry.Status.HELD
