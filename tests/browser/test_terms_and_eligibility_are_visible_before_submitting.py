"""In Chromium: a driver reads each class's rules and the refund policy on the event page, and on
the entry form sees only the class they can enter, the other one with its reason, and the refund
terms above the button, before submitting anything."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from events.models import Entry, EntryClass, Session
from racing.engine.eligibility import AgeBand, ClassRules
from racing.models import CompetitionClass
from tests.browser.policy import watch_policy_violations
from tests.browser.test_a_driver_enters_pays_and_cancels import open_event
from tests.conftest import PASSWORD
from tests.racing.factories import make_profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_driver_sees_the_rules_and_the_refund_terms_before_entering(
    live_server: Any,
    page_factory: Any,
    driver: Any,
    organization: Any,
) -> None:
    event = open_event(organization, "terms-kart-cup")
    event.entry_classes.all().delete()
    # An event shows its Enter button only with a session and a class to enter.
    Session.objects.create(
        event=event,
        kind=Session.Kind.RACE,
        starts_at=event.starts_at + timedelta(hours=1),
        ends_at=event.starts_at + timedelta(hours=2),
    )
    youth = ClassRules(age=AgeBand(min_age=12, max_age=14, by_calendar_year=True))
    adult = ClassRules(age=AgeBand(min_age=18))
    for name, rules in (("Junior 12-14", youth), ("Adult rental", adult)):
        competition_class = CompetitionClass.objects.create(
            organization=organization,
            name=name,
            slug=name.split()[0].lower(),
            tier="karting",
            discipline="karting",
            rules=rules.to_dict(),
        )
        EntryClass.objects.create(
            event=event,
            name=name,
            capacity=20,
            fee=Decimal("400.00"),
            competition_class=competition_class,
        )
    make_profile(driver)
    page = page_factory(locale="en-US")
    violations = watch_policy_violations(page)

    page.goto(f"{live_server.url}/events/{event.slug}/")
    main = page.locator("main")
    assert main.get_by_text("Turning 12 to 14 during the event's year").is_visible()
    assert main.get_by_text("Aged at least 18 on the event date").is_visible()
    assert main.get_by_role("heading", name="Cancellation and refunds").is_visible()
    assert main.get_by_text("Cancel later: no refund.").is_visible()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile("E-?mail", re.I)).fill(driver.email)
    page.get_by_label(re.compile("Password", re.I)).fill(PASSWORD)
    page.locator("main form").get_by_role("button").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/events/{event.slug}/")
    page.locator("main").get_by_role("link", name="Enter", exact=True).click()
    page.wait_for_load_state()

    form = page.locator("main form")
    assert form.get_by_role("radio").count() == 1
    assert form.get_by_label(re.compile("Adult rental")).is_visible()
    unavailable = page.locator("#unavailable")
    assert unavailable.get_by_text("Junior 12-14").is_visible()
    assert unavailable.get_by_text(re.compile("turn 14 or younger")).is_visible()
    assert form.get_by_text("Cancel later: no refund.").is_visible()

    form.get_by_label(re.compile("Adult rental")).check()
    form.get_by_role("button", name="Enter").click()
    page.wait_for_load_state()
    assert Entry.objects.get(event=event, driver=driver).entry_class.name == "Adult rental"
    assert violations == []
