"""In Chromium, on the seeded demo: the demo kart club, connected to WeChat Pay and Alipay (fake
servers with the real signing and encryption), takes the demo driver's entry fee with WeChat Pay
(the QR page, then the signed and encrypted notification), in Chinese; the demo organizer issues
the fapiao the driver asked for; the driver cancels and the fee goes back through WeChat Pay.
A second demo entry is paid on Alipay's cashier and refunded there."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from events.models import Entry, Event, FapiaoRequest, Payment, Refund
from events.services.merchants import check_connection, save_account
from racing.demo.registry import (
    DRIVER_EMAIL,
    DRIVER_PASSWORD,
    ORGANIZER_EMAIL,
    ORGANIZER_PASSWORD,
)
from tests.browser.policy import watch_policy_violations
from tests.fakes.alipay_server import FakeAlipayServer
from tests.fakes.wechatpay_server import FakeWeChatPayServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMBER = "24442000000011112222"


def sign_in(page: Any, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("main form input[type=email]").fill(email)
    page.locator("main form input[type=password]").fill(password)
    page.locator("main form").get_by_role("button").click()
    page.wait_for_load_state()


def enter(page: Any, base: str, event: Event, class_label: str) -> None:
    page.goto(f"{base}/events/{event.slug}/enter/")
    page.get_by_label(re.compile(class_label)).check()
    page.locator("main form").get_by_role("button", name="报名", exact=True).click()
    page.wait_for_load_state()


def cancel(page: Any) -> None:
    page.get_by_role("button", name="取消我的报名").click()
    page.wait_for_load_state()
    page.locator("[data-confirm]").get_by_role("button", name="取消我的报名").click()
    page.wait_for_load_state()


def test_the_demo_club_takes_wechatpay_and_alipay_refunds_and_issues_a_fapiao(
    live_server: Any, page_factory: Any, settings: Any
) -> None:
    call_command("seed_demo", stdout=StringIO())
    event = Event.objects.get(slug="demo-pearl-river-kart-sprint")
    club = event.organization
    with FakeWeChatPayServer() as wechat, FakeAlipayServer() as alipay:
        settings.WECHATPAY_API_BASE = wechat.url
        settings.ALIPAY_GATEWAY = alipay.gateway
        settings.PADDOCK_SITE_URL = live_server.url
        policy = settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
        directives = policy["DIRECTIVES"]
        settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
            **policy,
            "DIRECTIVES": {**directives, "form-action": [*directives["form-action"], alipay.url]},
        }
        for provider, fake in (("wechatpay", wechat), ("alipay", alipay)):
            account = save_account(
                organization=club, provider=provider, enabled=True, **fake.account_fields()
            )
            assert check_connection(account_id=account.pk).test_passed

        page = page_factory(locale="zh-CN")
        violations = watch_policy_violations(page)
        sign_in(page, live_server.url, DRIVER_EMAIL, DRIVER_PASSWORD)
        enter(page, live_server.url, event, "Adult rental")
        entry = Entry.objects.get(event=event, driver__email=DRIVER_EMAIL)
        assert entry.status == Entry.Status.HELD

        page.get_by_role("button", name="微信支付").click()
        page.wait_for_load_state()
        assert page.locator("#wechatpay-qr svg").is_visible()
        payment = Payment.objects.get(entry=entry, method="wechatpay")
        assert wechat.orders[payment.provider_reference]["total"] == entry.fee_minor
        assert wechat.deliver(wechat.pay(payment.provider_reference))[0] == 204
        page.get_by_role("link", name="我已支付").click()
        page.wait_for_load_state()
        entry.refresh_from_db()
        assert entry.status == Entry.Status.CONFIRMED

        page.get_by_role("link", name="需要发票？点此申请").click()
        page.get_by_label("抬头（您的姓名或公司名称）").fill("张敏")
        page.get_by_role("button", name="保存发票申请").click()
        page.wait_for_load_state()

        staff = page_factory(locale="zh-CN")
        sign_in(staff, live_server.url, ORGANIZER_EMAIL, ORGANIZER_PASSWORD)
        staff.goto(f"{live_server.url}/organizer/{club.slug}/events/{event.slug}/fapiao/")
        card = staff.locator("section.card", has_text="张敏")
        card.get_by_label("发票号码").fill(NUMBER)
        card.get_by_label("发票文件（PDF 或 OFD）").set_input_files(
            {"name": "fapiao.ofd", "mimeType": "application/ofd", "buffer": b"PK\x03\x04ofd"}
        )
        card.get_by_role("button", name="标记为已开具").click()
        staff.wait_for_load_state()
        assert FapiaoRequest.objects.get(entry=entry).status == FapiaoRequest.Status.ISSUED

        page.goto(f"{live_server.url}{entry.get_absolute_url()}")
        with page.expect_download() as fapiao_file:
            page.get_by_role("link", name="下载发票").click()
        assert fapiao_file.value.suggested_filename == f"fapiao-{NUMBER}.ofd"
        cancel(page)
        refund = Refund.objects.get(payment=payment)
        assert wechat.deliver(wechat.settle_refund(refund.idempotency_key))[0] == 204
        # What the demo event's refund policy gives back today, and no more.
        refund.refresh_from_db()
        assert refund.status == Refund.Status.SUCCEEDED
        assert 0 < refund.amount_minor <= payment.amount_minor
        assert wechat.refunded_total(payment.provider_reference) == refund.amount_minor
        staff.reload()
        assert "待开红字发票" in staff.locator("main").inner_text()

        # Entering again after cancelling, this time paying on Alipay's cashier.
        enter(page, live_server.url, event, "Adult rental")
        page.get_by_role("button", name="支付宝支付").click()
        page.wait_for_load_state()
        assert page.url.startswith(alipay.url)
        page.get_by_role("button", name="确认付款").click()
        page.wait_for_load_state()
        again = Entry.objects.filter(event=event, driver__email=DRIVER_EMAIL).latest("pk")
        assert again.status == Entry.Status.CONFIRMED
        cancel(page)
        paid = Payment.objects.get(entry=again, method="alipay")
        refunded = Refund.objects.get(payment=paid)
        assert refunded.status == Refund.Status.SUCCEEDED
        assert alipay.refunded_total(paid.provider_reference) == refunded.amount_minor > 0
        assert violations == []
