"""In Chromium: an organizer creates an event in Chinese with its schedule and a class and
publishes it; a fan, in English, finds it by filter and takes its calendar file."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import icalendar
import pytest
from django.utils import timezone

from events.models import Event
from racing.models import CompetitionClass
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organizer_publishes_an_event_and_a_fan_finds_it_and_adds_it_to_a_calendar(
    live_server: Any, page_factory: Any, organizer: Any, organization: Any
) -> None:
    CompetitionClass.objects.create(
        organization=organization, name="BEV", slug="bev", tier="nev", discipline="autocross"
    )
    day = (timezone.localtime(timezone.now()) + timedelta(days=40)).strftime("%Y-%m-%d")

    page = page_factory(locale="zh-CN")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", organizer.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto(f"{live_server.url}{organization.get_absolute_url()}")
    page.get_by_role("link", name="赛事", exact=True).last.click()
    page.get_by_role("link", name="新建赛事").click()
    page.fill("input[name=title]", "宁波新能源金卡纳")
    page.select_option("select[name=tier]", "nev")
    page.select_option("select[name=discipline]", "autocross")
    page.fill("input[name=venue_name]", "Ningbo International Circuit")
    page.select_option("select[name=province]", "zhejiang")
    page.fill("input[name=city]", "Ningbo")
    page.fill("input[name=starts_at]", f"{day}T08:00")
    page.fill("input[name=ends_at]", f"{day}T18:00")
    page.locator("main form button[type=submit]").click()
    assert "赛事已创建为草稿" in page.locator(".messages").inner_text()

    page.locator("summary", has_text="添加节次").click()
    session_form = page.locator("form[action$='/sessions/new/']")
    session_form.locator("select[name=kind]").select_option("final")
    session_form.locator("input[name=name]").fill("Timed runs")
    session_form.locator("input[name=starts_at]").fill(f"{day}T13:30")
    session_form.locator("input[name=ends_at]").fill(f"{day}T16:30")
    session_form.locator("button[type=submit]").click()
    page.locator("summary", has_text="添加参赛组别").click()
    class_form = page.locator("form[action$='/classes/new/']")
    class_form.locator("select[name=competition_class]").select_option(label="BEV")
    class_form.locator("input[name=capacity]").fill("30")
    class_form.locator("input[name=fee]").fill("600")
    class_form.locator("button[type=submit]").click()
    page.get_by_role("button", name="发布").click()
    assert "赛事已发布" in page.locator(".messages").inner_text()
    event = Event.objects.get(title="宁波新能源金卡纳")
    assert event.status == Event.Status.PUBLISHED

    fan = page_factory(locale="en-US")
    fan.goto(f"{live_server.url}/events/")
    fan.select_option("select[name=tier]", "nev")
    fan.select_option("select[name=province]", "zhejiang")
    fan.locator("form.filters button[type=submit]").click()
    fan.get_by_role("link", name="宁波新能源金卡纳").click()
    main = fan.locator("main").inner_text()
    assert "Timed runs" in main and "BEV" in main and "30 of 30" in main
    href = fan.get_by_role("link", name="Add to calendar").get_attribute("href")
    response = fan.request.get(f"{live_server.url}{href}")
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.body())
    summaries = {str(c["SUMMARY"]) for c in calendar.walk("VEVENT")}
    assert summaries == {"宁波新能源金卡纳", "Timed runs · 宁波新能源金卡纳"}
