"""In Chromium on a 390 px phone: an event's scrutineer reveals an entered driver's masked details
with a reason; the driver's privacy page lists the reveal and downloads their data as a zip; the
privacy notice reads in both languages. No page is wider than the phone."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from events.models import Entry, EntryClass, Event, EventOfficial
from tests.browser.policy import watch_policy_violations
from tests.browser.test_a_driver_builds_a_profile_licences_and_garage import log_in
from tests.racing.factories import make_profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_reveal_is_listed_to_the_driver_who_downloads_their_data(
    live_server: Any,
    page_factory: Any,
    driver: Any,
    staff_member: Any,
    organization: Any,
) -> None:
    starts = timezone.now() + timedelta(days=30)
    event = Event.objects.create(
        organization=organization,
        title="Club Cup",
        slug="club-cup",
        tier="national",
        discipline="circuit",
        venue_name="Shanghai International Circuit",
        province="shanghai",
        city="Shanghai",
        starts_at=starts,
        ends_at=starts + timedelta(hours=9),
        status=Event.Status.PUBLISHED,
    )
    entry_class = EntryClass.objects.create(event=event, name="Cup", capacity=10, fee=0)
    profile = make_profile(driver)
    Entry.objects.create(
        event=event,
        entry_class=entry_class,
        driver=driver,
        status=Entry.Status.CONFIRMED,
        place_number=1,
        fee_minor=0,
        currency="CNY",
    )
    EventOfficial.objects.create(event=event, user=staff_member, duty="scrutineer")

    staff = page_factory(locale="en-US")
    violations = watch_policy_violations(staff)
    log_in(staff, live_server, staff_member)
    staff.goto(f"{live_server.url}/organizer/{organization.slug}/drivers/{profile.pk}/")
    main = staff.locator("main")
    assert "1101**********002X" in main.inner_text()
    assert "11010519491231002X" not in main.inner_text()
    assert fits_the_phone(staff)
    staff.fill("input[name=reason]", "scrutineering, car 12")
    staff.get_by_role("button", name="Reveal full details").click()
    staff.wait_for_load_state()
    assert "11010519491231002X" in main.inner_text()
    assert fits_the_phone(staff)

    mine = page_factory(locale="zh-CN")
    violations += watch_policy_violations(mine)
    log_in(mine, live_server, driver)
    mine.goto(f"{live_server.url}/driver/privacy/")
    text = mine.locator("main").inner_text()
    assert "我的数据与隐私" in text
    assert "scrutineering, car 12" in text and organization.name in text
    assert fits_the_phone(mine)
    with mine.expect_download() as download_info:
        mine.get_by_role("link", name="下载我的数据").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    data = json.loads(archive.read("data.json"))
    assert data["models"]["racing.DriverProfile"][0]["id_number"] == "11010519491231002X"

    mine.goto(f"{live_server.url}/privacy/")
    assert "隐私声明" in mine.locator("h1").inner_text()
    assert fits_the_phone(mine)
    english = page_factory(locale="en-US")
    english.goto(f"{live_server.url}/privacy/")
    assert "Privacy notice" in english.locator("h1").inner_text()
    assert "Who sees it" in english.locator("main").inner_text()
    assert fits_the_phone(english)
    assert violations == []
