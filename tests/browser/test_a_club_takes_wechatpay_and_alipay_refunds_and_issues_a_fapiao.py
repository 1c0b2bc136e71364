"""In Chromium: a club's owner connects its own WeChat Pay and Alipay accounts (fake servers with
the real signing and encryption); a driver pays with WeChat Pay (the QR page, the payment told by
a signed, encrypted notification), asks for a fapiao, which staff issue from the queue; the
driver cancels and is refunded through WeChat Pay, and the fapiao waits for its red-letter
reversal. Another driver, in Chinese, pays on Alipay's cashier and is refunded too."""

from __future__ import annotations

import re
from typing import Any

import pytest

from events.models import Entry, FapiaoRequest, MerchantAccount, Payment, Refund
from tests.browser.policy import watch_policy_violations
from tests.browser.test_a_driver_enters_pays_and_cancels import log_in, open_event
from tests.conftest import PASSWORD
from tests.fakes.alipay_server import FakeAlipayServer
from tests.fakes.wechatpay_server import FakeWeChatPayServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n% e-fapiao\n"
NUMBER = "24312000000087654321"


def connect(page: Any, base: str, organization: Any, wechat: Any, alipay: Any) -> None:
    page.goto(f"{base}/organizer/{organization.slug}/payments/")
    section = page.locator("#wechatpay")
    fields = wechat.account_fields()
    section.get_by_label("Take payments with this account").check()
    section.get_by_label("AppID").fill(fields["app_id"])
    section.get_by_label("Merchant ID (mchid)").fill(fields["merchant_id"])
    section.get_by_label("Merchant API certificate serial number").fill(fields["key_serial"])
    section.get_by_label(re.compile("^Merchant API private key")).fill(
        fields["secrets"]["private_key"]
    )
    section.get_by_label("APIv3 key").fill(fields["secrets"]["api_v3_key"])
    section.get_by_label("WeChat Pay platform certificate or public key").fill(
        fields["secrets"]["platform_key"]
    )
    section.get_by_role("button", name="Save and test").click()
    page.wait_for_load_state()
    assert "Connected" in page.locator("main").inner_text()

    section = page.locator("#alipay")
    fields = alipay.account_fields()
    section.get_by_label("Take payments with this account").check()
    section.get_by_label("APPID").fill(fields["app_id"])
    section.get_by_label("Merchant PID (seller id)").fill(fields["merchant_id"])
    section.get_by_label("Application private key (RSA2)").fill(fields["secrets"]["private_key"])
    section.get_by_label("Alipay public key").fill(fields["secrets"]["alipay_public_key"])
    section.get_by_role("button", name="Save and test").click()
    page.wait_for_load_state()
    assert MerchantAccount.objects.filter(organization=organization, test_passed=True).count() == 2


def test_a_club_takes_wechatpay_and_alipay_refunds_and_issues_a_fapiao(
    live_server: Any,
    page_factory: Any,
    driver: Any,
    make_user: Any,
    organizer: Any,
    staff_member: Any,
    organization: Any,
    settings: Any,
) -> None:
    event = open_event(organization, "merchant-cup")
    with FakeWeChatPayServer() as wechat, FakeAlipayServer() as alipay:
        settings.WECHATPAY_API_BASE = wechat.url
        settings.ALIPAY_GATEWAY = alipay.gateway
        settings.PADDOCK_SITE_URL = live_server.url
        # Alipay's cashier is the fake server here: it takes the real host's place in the policy.
        policy = settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
        directives = policy["DIRECTIVES"]
        settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
            **policy,
            "DIRECTIVES": {**directives, "form-action": [*directives["form-action"], alipay.url]},
        }

        owner = page_factory(locale="en-US")
        log_in(owner, live_server.url, organizer)
        connect(owner, live_server.url, organization, wechat, alipay)

        # --- WeChat Pay: a QR code on the desktop, paid, told by notification ---------------
        page = page_factory(locale="en-US")
        violations = watch_policy_violations(page)
        log_in(page, live_server.url, driver)
        page.goto(f"{live_server.url}/events/{event.slug}/enter/")
        page.get_by_label(re.compile("Rookie Cup")).check()
        page.get_by_role("button", name="Enter").click()
        page.wait_for_load_state()
        entry = Entry.objects.get(driver=driver, event=event)
        assert entry.status == Entry.Status.HELD
        page.get_by_role("button", name="Pay with WeChat Pay").click()
        page.wait_for_load_state()
        assert page.locator("#wechatpay-qr svg").is_visible()
        payment = Payment.objects.get(entry=entry, method="wechatpay")
        status, _body = wechat.deliver(wechat.pay(payment.provider_reference))
        assert status == 204
        page.get_by_role("link", name="I have paid").click()
        page.wait_for_load_state()
        assert "confirmed" in page.locator("main").inner_text()

        page.get_by_role("link", name="Need a fapiao? Ask for one").click()
        page.get_by_role("radio", name="Company").check()
        page.get_by_label("Title (your name or the company's name)").fill("上海飞驰车队有限公司")
        page.get_by_label("Taxpayer identification number").fill("91310000MA1FL0XX3U")
        page.get_by_role("button", name="Save the fapiao request").click()
        page.wait_for_load_state()

        staff = page_factory(locale="en-US")
        log_in(staff, live_server.url, staff_member)
        staff.goto(f"{live_server.url}/organizer/{organization.slug}/events/{event.slug}/")
        staff.get_by_role("link", name="Fapiao").click()
        with staff.expect_download() as download:
            staff.get_by_role("link", name="Export to do (XLSX)").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        card = staff.locator("section.card", has_text="上海飞驰车队有限公司")
        card.get_by_label("Fapiao number").fill(NUMBER)
        card.get_by_label("Fapiao file (PDF or OFD)").set_input_files(
            {"name": "fapiao.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        card.get_by_role("button", name="Mark issued").click()
        staff.wait_for_load_state()
        assert FapiaoRequest.objects.get(entry=entry).number == NUMBER

        page.goto(f"{live_server.url}{entry.get_absolute_url()}")
        with page.expect_download() as fapiao_file:
            page.get_by_role("link", name="Download the fapiao").click()
        assert fapiao_file.value.suggested_filename == f"fapiao-{NUMBER}.pdf"

        page.get_by_role("button", name="Cancel my entry").click()
        page.wait_for_load_state()
        page.locator("[data-confirm]").get_by_role("button", name="Cancel my entry").click()
        page.wait_for_load_state()
        refund = Refund.objects.get(payment=payment)
        assert refund.status == Refund.Status.PENDING  # WeChat Pay pays refunds out later
        status, _body = wechat.deliver(wechat.settle_refund(refund.idempotency_key))
        assert status == 204
        refund.refresh_from_db()
        assert refund.status == Refund.Status.SUCCEEDED
        assert wechat.refunded_total(payment.provider_reference) == 80000
        staff.reload()
        assert "Red-letter reversal to issue" in staff.locator("main").inner_text()
        assert violations == []

        # --- Alipay, in Chinese: the cashier page, paid, back to the entry -------------------
        second = make_user("second@example.test")
        page = page_factory(locale="zh-CN")
        violations = watch_policy_violations(page)
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("input[name=login]").fill(second.email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form").get_by_role("button").click()
        page.wait_for_load_state()
        page.goto(f"{live_server.url}/events/{event.slug}/enter/")
        page.get_by_label(re.compile("Rookie Cup")).check()
        page.locator("main form").get_by_role("button", name="报名").click()
        page.wait_for_load_state()
        page.get_by_role("button", name="支付宝支付").click()
        page.wait_for_load_state()
        assert page.url.startswith(alipay.url)
        page.get_by_role("button", name="确认付款").click()
        page.wait_for_load_state()
        assert page.url.startswith(live_server.url)
        entry = Entry.objects.get(driver=second, event=event)
        assert entry.status == Entry.Status.CONFIRMED
        assert "已确认" in page.locator("main").inner_text()

        page.get_by_role("button", name="取消我的报名").click()
        page.wait_for_load_state()
        page.locator("[data-confirm]").get_by_role("button", name="取消我的报名").click()
        page.wait_for_load_state()
        paid = Payment.objects.get(entry=entry, method="alipay")
        assert alipay.refunded_total(paid.provider_reference) == 80000
        assert Refund.objects.get(payment=paid).status == Refund.Status.SUCCEEDED
        assert violations == []
