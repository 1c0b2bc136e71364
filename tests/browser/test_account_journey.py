"""A newcomer signs up, verifies the address from the e-mail, logs in and switches language."""

from __future__ import annotations

import re

import pytest
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Qx7-paddock-lap-record"


def test_sign_up_verify_log_in_and_switch_language(live_server, page_factory):
    page = page_factory(locale="zh-CN")
    page.goto(f"{live_server.url}/accounts/signup/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    page.fill("input[name=email]", "browser.driver@example.test")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page.goto(f"{live_server.url}/{path}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("form[action='/accounts/logout/']").count() == 1  # logged in

    page.locator("label.nav-toggle-label").click()  # phone layout: open the menu first
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "browser.driver@example.test")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("form[action='/accounts/logout/']").count() == 1
    page.locator("label.nav-toggle-label").click()
    assert "退出" in page.locator("header").inner_text()

    page.locator("header").get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Log out" in page.locator("header").text_content()


def test_a_bad_sign_up_shows_field_errors_in_the_browser_language(live_server, page_factory):
    page = page_factory(locale="en-US")
    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("input[name=email]", "driver@example.test")
    page.fill("input[name=password1]", "short")
    page.fill("input[name=password2]", "other")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "too short" in text or "same password" in text
    assert len(mail.outbox) == 0
