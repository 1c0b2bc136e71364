"""In Chromium, on a phone: staff open an entry waiting for approval, see the driver's licence,
age and kart, follow the link to the licence check, mark the licence verified, and approve."""

from __future__ import annotations

from typing import Any

import pytest

from events.models import Entry
from racing.models import Licence
from racing.queries.drivers import staff_name
from tests.browser.entries_to_judge import pending_entry
from tests.browser.test_a_driver_enters_and_pays_and_staff_check_them_in import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_check_the_licence_from_the_entry_and_approve_it(
    live_server: Any, page_factory: Any, organization: Any, staff_member: Any, driver: Any
) -> None:
    entry = pending_entry(organization, driver)
    assert entry.status == Entry.Status.PENDING_APPROVAL
    event = entry.event

    page = page_factory(locale="en-US")
    log_in(page, live_server.url, staff_member.email)
    page.goto(f"{live_server.url}{event.get_manage_url()}")
    page.get_by_role("link", name="Entries", exact=True).click()
    # Staff pages name a driver by the one rule: the profile's name when there is one.
    driver.refresh_from_db()
    page.get_by_role("link", name=staff_name(driver)).click()

    driver_card = page.locator("#driver")
    text = driver_card.inner_text()
    assert "WANG Fang" in text and "1990-03-08" in text
    assert "K-2041" in text and "National C" in text and "not verified" in text
    assert "Tony Kart Racer 401" in text
    assert f"{event.starts_at.year - 1990} in {event.starts_at.year} (by calendar year)" in text

    driver_card.get_by_role("link", name="Check and verify licences, full profile").click()
    page.get_by_role("button", name="Mark verified").click()
    page.wait_for_load_state()
    assert Licence.objects.get(profile__user=driver).verified_at is not None

    page.go_back()
    page.go_back()
    page.reload()
    assert "not verified" not in page.locator("#driver").inner_text()
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    entry.refresh_from_db()
    assert entry.status != Entry.Status.PENDING_APPROVAL
