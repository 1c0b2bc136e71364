"""In Chromium: a driver enters an event in Chinese and pays through (fake) Stripe Checkout; a staff
member, in English, finds the entry, checks the car in and sets its transponder."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from events.models import Entry, EntryClass, Event, Session
from tests.conftest import PASSWORD
from tests.events.registration.conftest import WEBHOOK_SECRET
from tests.fakes.stripe_server import FakeStripeServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()


@pytest.fixture
def event(organization: Any) -> Event:
    starts_at = timezone.now() + timedelta(days=30)
    event = Event.objects.create(
        organization=organization,
        title="Shanghai Club Cup",
        slug="shanghai-club-cup",
        tier="national",
        discipline="circuit",
        venue_name="Shanghai International Circuit",
        province="shanghai",
        city="Shanghai",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=9),
        status=Event.Status.PUBLISHED,
        registration_opens_at=starts_at - timedelta(days=60),
        registration_closes_at=starts_at - timedelta(days=2),
    )
    EntryClass.objects.create(event=event, name="Rookie Cup", capacity=24, fee=Decimal("800"))
    # An event offers its Enter button only with a session and a class to enter.
    Session.objects.create(
        event=event,
        kind="race",
        starts_at=starts_at + timedelta(hours=1),
        ends_at=starts_at + timedelta(hours=2),
    )
    return event


def test_a_driver_enters_and_pays_and_staff_check_the_car_in(
    live_server: Any,
    page_factory: Any,
    settings: Any,
    event: Event,
    driver: Any,
    staff_member: Any,
    organization: Any,
) -> None:
    settings.PADDOCK_SITE_URL = live_server.url
    with FakeStripeServer() as stripe_fake:
        settings.STRIPE_SECRET_KEY = stripe_fake.api_key
        settings.STRIPE_API_BASE = stripe_fake.url
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET

        page = page_factory(locale="zh-CN")
        log_in(page, live_server.url, driver.email)
        page.goto(f"{live_server.url}/events/{event.slug}/")
        page.get_by_role("link", name="报名", exact=True).click()
        page.get_by_label("Rookie Cup — 800.00 CNY").check()
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{stripe_fake.url}/**")
        session_id = urlsplit(page.url).path.rsplit("/", 1)[-1]
        stripe_fake.pay(session_id)  # the driver pays on Stripe's page

        entry = Entry.objects.get(driver=driver)
        page.goto(f"{live_server.url}/entries/{entry.pk}/paid/?session_id={session_id}")
        assert "已收到付款：您的报名已确认。" in page.locator(".messages").inner_text()
        assert "已确认" in page.locator("[data-status]").inner_text()

    staff = page_factory(locale="en-US")
    log_in(staff, live_server.url, staff_member.email)
    staff.goto(f"{live_server.url}{event.get_manage_url()}")
    staff.get_by_role("link", name="Entries", exact=True).click()
    staff.get_by_role("link", name="Min Zhang").click()
    staff.get_by_label("Checked in").check()
    staff.get_by_label("Transponder number").fill("4711")
    staff.locator("main form.card button[type=submit]").click()
    assert "Entry saved." in staff.locator(".messages").inner_text()
    entry.refresh_from_db()
    assert entry.transponder == "4711"
    assert entry.checked_in_at is not None
