"""In Chromium, on the seeded demo: the demo driver (an adult with a karting licence) enters the
adult class of the demo kart sprint through the event page and the entry form, in Chinese."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from events.models import Entry, Event
from racing.demo.registry import DRIVER_EMAIL, DRIVER_PASSWORD
from tests.browser.policy import watch_policy_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_driver_enters_the_adult_class_of_the_demo_kart_sprint(
    live_server: Any, page_factory: Any
) -> None:
    call_command("seed_demo", stdout=StringIO())
    event = Event.objects.get(slug="demo-pearl-river-kart-sprint")
    page = page_factory(locale="zh-CN")
    violations = watch_policy_violations(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("main form input[type=email]").fill(DRIVER_EMAIL)
    page.locator("main form input[type=password]").fill(DRIVER_PASSWORD)
    page.locator("main form").get_by_role("button").click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/events/{event.slug}/")
    page.locator("main").get_by_role("link", name="报名", exact=True).click()
    page.wait_for_load_state()
    page.get_by_label(re.compile("Adult rental")).check()
    page.locator("main form").get_by_role("button", name="报名", exact=True).click()
    page.wait_for_load_state()

    entry = Entry.objects.get(event=event, driver__email=DRIVER_EMAIL)
    assert entry.entry_class.name == "成人租赁组 Adult rental"
    assert entry.status == Entry.Status.CONFIRMED
    assert page.url.endswith(entry.get_absolute_url())
    assert violations == []
