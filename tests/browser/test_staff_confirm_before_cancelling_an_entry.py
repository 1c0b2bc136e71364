"""In Chromium: staff press "Cancel entry" and land on a page that says what will happen; going
back changes nothing, and only confirming there (with a reason) cancels the entry."""

from __future__ import annotations

from typing import Any

import pytest

from events.models import Entry
from tests.browser.entries_to_judge import pending_entry
from tests.browser.test_a_driver_enters_and_pays_and_staff_check_them_in import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cancelling_an_entry_is_confirmed_on_its_own_page(
    live_server: Any, page_factory: Any, organization: Any, staff_member: Any, driver: Any
) -> None:
    entry = pending_entry(organization, driver)
    entry_page = f"{live_server.url}{entry.event.get_manage_url()}entries/{entry.pk}/"

    page = page_factory(locale="zh-CN")
    log_in(page, live_server.url, staff_member.email)
    page.goto(entry_page)
    page.get_by_role("link", name="取消报名（全额退款）").click()
    page.wait_for_load_state()

    question = page.locator("[data-confirm]")
    assert "确定吗？此操作无法撤销。" in question.inner_text()
    assert "车手将收到电子邮件通知。" in question.inner_text()
    question.get_by_role("link", name="不，返回").click()
    page.wait_for_load_state()
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PENDING_APPROVAL

    page.get_by_role("link", name="取消报名（全额退款）").click()
    page.locator("[data-confirm] input[name=reason]").fill("执照未带")
    page.locator("[data-confirm]").get_by_role("button", name="取消报名（全额退款）").click()
    page.wait_for_load_state()
    entry.refresh_from_db()
    assert (entry.status, entry.cancellation_reason) == (Entry.Status.CANCELLED, "执照未带")
