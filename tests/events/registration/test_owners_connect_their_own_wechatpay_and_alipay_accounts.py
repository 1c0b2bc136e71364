"""Only an organization's owner sets its merchant accounts; keys are sealed in the database, a
connection test asks the provider's query API, and only a tested, enabled account is offered."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from events.models import MerchantAccount
from tests.fakes.merchant_keys import key_pair

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def url(organization: Any) -> str:
    return f"/organizer/{organization.slug}/payments/"


def wechat_form(fake: Any, **overrides: str) -> dict[str, str]:
    fields = fake.account_fields()
    data = {
        "provider": "wechatpay",
        "wechatpay-enabled": "on",
        "wechatpay-app_id": fields["app_id"],
        "wechatpay-merchant_id": fields["merchant_id"],
        "wechatpay-key_serial": fields["key_serial"],
        "wechatpay-private_key": fields["secrets"]["private_key"],
        "wechatpay-api_v3_key": fields["secrets"]["api_v3_key"],
        "wechatpay-platform_key": fields["secrets"]["platform_key"],
        # Left empty: read from the platform certificate.
        "wechatpay-platform_serial": "",
    }
    data.update(overrides)
    return data


def alipay_form(fake: Any, **overrides: str) -> dict[str, str]:
    fields = fake.account_fields()
    data = {
        "provider": "alipay",
        "alipay-enabled": "on",
        "alipay-app_id": fields["app_id"],
        "alipay-merchant_id": fields["merchant_id"],
        "alipay-private_key": fields["secrets"]["private_key"],
        "alipay-alipay_public_key": fields["secrets"]["alipay_public_key"],
    }
    data.update(overrides)
    return data


def test_staff_who_are_not_owners_and_strangers_cannot_open_the_page(
    client: Any, organization: Any, staff_member: Any, driver: Any
) -> None:
    assert client.get(url(organization)).status_code == 302  # sign in first
    client.force_login(staff_member)
    assert client.get(url(organization)).status_code == 403
    client.force_login(driver)
    assert client.get(url(organization)).status_code == 404


def test_the_owner_connects_wechatpay_and_the_keys_are_sealed(
    client: Any, organization: Any, organizer: Any, fake_wechatpay: Any
) -> None:
    client.force_login(organizer)

    response = client.post(url(organization), wechat_form(fake_wechatpay), follow=True)

    assert response.status_code == 200
    account = MerchantAccount.objects.get(organization=organization, provider="wechatpay")
    assert account.test_passed and account.enabled
    assert account.platform_serial == fake_wechatpay.platform.serial
    # Nothing secret is stored in clear (config/crypto.py encrypts the column), nor shown back.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sealed_secrets FROM events_merchantaccount WHERE id = %s", [account.pk]
        )
        stored = str(cursor.fetchone()[0])
    assert stored.startswith("fernet:")
    assert fake_wechatpay.api_v3_key not in stored and "PRIVATE KEY" not in stored
    assert fake_wechatpay.api_v3_key not in response.content.decode()
    assert account.secrets["api_v3_key"] == fake_wechatpay.api_v3_key
    # The test asked WeChat Pay's query API, signed.
    assert any(
        "/v3/pay/transactions/out-trade-no/" in path for _m, path, _s in fake_wechatpay.requests
    )
    assert f"/payments/wechatpay/{account.pk}/notify/" in response.content.decode()


def test_saving_again_with_empty_key_fields_keeps_the_stored_keys(
    client: Any, organization: Any, organizer: Any, fake_alipay: Any
) -> None:
    client.force_login(organizer)
    client.post(url(organization), alipay_form(fake_alipay))

    client.post(
        url(organization),
        alipay_form(fake_alipay, **{"alipay-private_key": "", "alipay-alipay_public_key": ""}),
    )

    account = MerchantAccount.objects.get(organization=organization, provider="alipay")
    assert account.secrets["private_key"] == fake_alipay.app.private_pem.strip()
    assert account.test_passed


def test_a_wrong_key_fails_the_connection_test_and_the_account_is_not_offered(
    client: Any, organization: Any, organizer: Any, fake_alipay: Any
) -> None:
    client.force_login(organizer)

    response = client.post(
        url(organization),
        alipay_form(fake_alipay, **{"alipay-private_key": key_pair("attacker").private_pem}),
        follow=True,
    )

    account = MerchantAccount.objects.get(organization=organization, provider="alipay")
    assert not account.test_passed
    assert "连接测试失败" in response.content.decode()  # the site speaks Chinese by default
    from events.services.merchants import offered_providers

    assert offered_providers(organization=organization, allowed=[]) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("wechatpay-private_key", "not a key"),
        ("wechatpay-api_v3_key", "short"),
        ("wechatpay-merchant_id", "abc"),
        ("wechatpay-platform_key", "-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    client: Any, organization: Any, organizer: Any, fake_wechatpay: Any, field: str, value: str
) -> None:
    client.force_login(organizer)

    response = client.post(url(organization), wechat_form(fake_wechatpay, **{field: value}))

    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not MerchantAccount.objects.exists()


def test_the_page_reads_in_chinese(client: Any, organization: Any, organizer: Any) -> None:
    client.force_login(organizer)

    page = client.get(url(organization), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "收款账户" in page
    assert "微信支付" in page and "支付宝" in page
