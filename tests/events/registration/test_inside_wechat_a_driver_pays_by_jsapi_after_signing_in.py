"""Inside WeChat's browser, WeChat Pay is paid by JSAPI: WeChat signs the driver in to the club's
official account (silently) for their openid, the JSAPI order names that payer, and the page hands
WeixinJSBridge parameters signed with the merchant key; the notification confirms as elsewhere."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from events.models import Entry, Payment
from events.services.merchants import save_account

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

WECHAT_BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI"
)
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


@pytest.fixture
def inside_wechat(
    event: Any,
    driver: Any,
    register: Any,
    client: Any,
    fake_wechatpay: Any,
    connect_merchant: Any,
    settings: Any,
) -> Any:
    settings.WECHAT_OAUTH_API = fake_wechatpay.url
    account = connect_merchant(event.organization, fake_wechatpay, "wechatpay")
    entry = register(driver, event.entry_classes.get())
    client.force_login(driver)
    return account, entry


def sign_in_address(client: Any, entry: Any) -> Any:
    response = client.post(
        f"/entries/{entry.pk}/pay/", {"provider": "wechatpay"}, HTTP_USER_AGENT=WECHAT_BROWSER
    )
    assert response.status_code == 302
    return urlsplit(response["Location"])


def test_a_driver_inside_wechat_signs_in_and_pays_by_jsapi(
    inside_wechat: Any, client: Any, fake_wechatpay: Any, settings: Any
) -> None:
    account, entry = inside_wechat
    address = sign_in_address(client, entry)
    assert address.geturl().startswith(settings.WECHAT_OAUTH_AUTHORIZE)
    query = parse_qs(address.query)
    assert query["appid"] == [fake_wechatpay.appid] and query["scope"] == ["snsapi_base"]
    back = urlsplit(query["redirect_uri"][0])

    page = client.get(
        f"{back.path}?code={fake_wechatpay.sign_in(OPENID)}&state={query['state'][0]}",
        HTTP_USER_AGENT=WECHAT_BROWSER,
        follow=True,
    )

    payment = Payment.objects.get(entry=entry, method="wechatpay")
    order = fake_wechatpay.orders[payment.provider_reference]
    assert order["trade_type"] == "JSAPI"
    bridge = page.context["bridge"]
    assert bridge["package"] == f"prepay_id={order['prepay_id']}"
    message = "\n".join(
        [bridge["appId"], bridge["timeStamp"], bridge["nonceStr"], bridge["package"], ""]
    )
    assert fake_wechatpay.merchant.verifies(message, bridge["paySign"])
    assert 'id="wechat-bridge"' in page.content.decode()

    note = fake_wechatpay.pay(payment.provider_reference)
    response = client.post(
        account.notify_url(), data=note.body, content_type="application/json", **note.django_headers
    )
    assert response.status_code == 204
    entry.refresh_from_db()
    assert entry.status == Entry.Status.CONFIRMED


def test_a_forged_or_reused_sign_in_makes_no_order(
    inside_wechat: Any, client: Any, fake_wechatpay: Any
) -> None:
    _account, entry = inside_wechat
    address = sign_in_address(client, entry)
    query = parse_qs(address.query)
    back = urlsplit(query["redirect_uri"][0]).path
    code = fake_wechatpay.sign_in(OPENID)

    client.get(f"{back}?code={code}&state=forged", HTTP_USER_AGENT=WECHAT_BROWSER)
    client.get(f"{back}?code=unknown&state={query['state'][0]}", HTTP_USER_AGENT=WECHAT_BROWSER)

    assert not Payment.objects.filter(entry=entry).exists()
    assert fake_wechatpay.orders == {}


def test_without_the_official_account_secret_the_driver_is_told_to_use_the_phone_browser(
    event: Any, driver: Any, register: Any, client: Any, fake_wechatpay: Any
) -> None:
    from events.services.merchants import check_connection

    fields = fake_wechatpay.account_fields()
    del fields["secrets"]["app_secret"]
    account = save_account(organization=event.organization, provider="wechatpay", enabled=True,
                           **fields)  # fmt: skip
    assert check_connection(account_id=account.pk).test_passed
    entry = register(driver, event.entry_classes.get())
    client.force_login(driver)

    response = client.post(
        f"/entries/{entry.pk}/pay/",
        {"provider": "wechatpay"},
        HTTP_USER_AGENT=WECHAT_BROWSER,
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    assert "open this page in your phone" in response.content.decode()
    assert not Payment.objects.filter(entry=entry).exists()
