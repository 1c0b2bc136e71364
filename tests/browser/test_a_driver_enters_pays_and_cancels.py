"""In Chromium: a driver enters an event and pays at the track (staff mark it paid), and, on an
event paid online, goes through Stripe Checkout (the fake Stripe server) and then cancels and is
refunded. Selectors are roles and labels, as a person reads the page."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from config.crypto import lookup_hash
from events.models import Entry, EntryClass, Event, Payment
from tests.browser.policy import watch_policy_violations
from tests.conftest import PASSWORD
from tests.events.registration.conftest import WEBHOOK_SECRET
from tests.fakes.stripe_server import FakeStripeServer
from tests.fakes.stripe_signing import signed_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_event(organization: Any, slug: str) -> Event:
    now = timezone.now().replace(second=0, microsecond=0)
    starts = now + timedelta(days=30)
    event = Event.objects.create(
        organization=organization,
        title=f"Club Cup {slug}",
        slug=slug,
        tier="national",
        discipline="circuit",
        venue_name="Shanghai International Circuit",
        province="shanghai",
        city="Shanghai",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        status=Event.Status.PUBLISHED,
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=starts - timedelta(days=2),
    )
    EntryClass.objects.create(event=event, name="Rookie Cup", capacity=20, fee=Decimal("800.00"))
    return event


def log_in(page: Any, base: str, user: Any) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(re.compile("E-?mail", re.I)).fill(user.email)
    page.get_by_label(re.compile("Password", re.I)).fill(PASSWORD)
    page.locator("main form").get_by_role("button").click()
    page.wait_for_load_state()


def enter(page: Any, base: str, event: Event) -> None:
    page.goto(f"{base}/events/{event.slug}/enter/")
    page.get_by_label(re.compile("Rookie Cup")).check()
    page.get_by_role("button", name="Enter").click()
    page.wait_for_load_state()


def test_a_driver_enters_and_pays_at_the_track(
    live_server: Any, page_factory: Any, driver: Any, organizer: Any, organization: Any
) -> None:
    event = open_event(organization, "pay-at-track-cup")
    page = page_factory(locale="en-US")
    violations = watch_policy_violations(page)
    log_in(page, live_server.url, driver)
    enter(page, live_server.url, event)

    entry = Entry.objects.get(driver=driver, event=event)
    assert entry.status == Entry.Status.CONFIRMED
    assert page.url.endswith(entry.get_absolute_url())
    assert "Pay at the track" in page.locator("main").inner_text()

    staff = page_factory(locale="en-US")
    log_in(staff, live_server.url, organizer)
    staff.goto(
        f"{live_server.url}/organizer/{organization.slug}/events/{event.slug}/entries/{entry.pk}/"
    )
    staff.get_by_role("button", name="Mark paid at the track").click()
    staff.wait_for_load_state()
    payment = Payment.objects.get(entry=entry)
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.marked_paid_by == organizer

    page.reload()
    assert "Paid" in page.locator("main").inner_text()
    assert violations == []


def test_a_driver_pays_through_stripe_checkout_then_cancels_and_is_refunded(
    live_server: Any, page_factory: Any, driver: Any, organization: Any, settings: Any
) -> None:
    event = open_event(organization, "online-cup")
    with FakeStripeServer() as stripe:
        settings.STRIPE_SECRET_KEY = stripe.api_key
        settings.STRIPE_API_BASE = stripe.url
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.PADDOCK_SITE_URL = live_server.url
        # The policy lets a form's redirect leave for Stripe's Checkout host; here Checkout is
        # the fake server, so it takes that host's place.
        policy = settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
        directives = policy["DIRECTIVES"]
        settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
            **policy,
            "DIRECTIVES": {**directives, "form-action": [*directives["form-action"], stripe.url]},
        }
        page = page_factory(locale="en-US")
        violations = watch_policy_violations(page)
        log_in(page, live_server.url, driver)

        # Entering holds the place and sends the driver on to Checkout.
        with page.expect_request(re.compile(re.escape(stripe.url) + r"/pay/")) as checkout:
            enter(page, live_server.url, event)
        session_id = checkout.value.url.rsplit("/", 1)[-1]
        entry = Entry.objects.get(driver=driver, event=event)
        assert entry.status == Entry.Status.HELD

        # The customer pays at Stripe; Stripe tells us by webhook and sends the driver back.
        completed = stripe.pay(session_id)
        body, signature = signed_event(completed, WEBHOOK_SECRET)
        response = page.request.post(
            f"{live_server.url}/payments/stripe/webhook/",
            data=body,
            headers={"Content-Type": "application/json", "Stripe-Signature": signature},
        )
        assert response.status == 200
        page.goto(f"{live_server.url}/entries/{entry.pk}/paid/?session_id={session_id}")
        assert "confirmed" in page.locator("main").inner_text()
        entry.refresh_from_db()
        assert entry.status == Entry.Status.CONFIRMED

        page.get_by_role("button", name="Cancel my entry").click()
        page.wait_for_load_state()
        # A confirmation page first: nothing is cancelled until the driver confirms there.
        entry.refresh_from_db()
        assert entry.status == Entry.Status.CONFIRMED
        page.locator("[data-confirm]").get_by_role("button", name="Cancel my entry").click()
        page.wait_for_load_state()
        assert "cancelled" in page.locator("main").inner_text().lower()
        entry.refresh_from_db()
        assert entry.status == Entry.Status.CANCELLED
        paid = Payment.objects.get(entry=entry, status__in=["succeeded"])
        assert stripe.refunded_total(paid.stripe_payment_intent_id) > 0
        assert len(stripe.sessions) == 1
        assert violations == []


def test_a_driver_fills_a_profile_adds_a_licence_and_a_vehicle_and_enters_with_it(
    live_server: Any, page_factory: Any, driver: Any, organization: Any
) -> None:
    from racing.models import LicenceIssuer

    # Seeded by a data migration, which a transactional test before this one may have flushed.
    LicenceIssuer.objects.get_or_create(
        code="CAMF", defaults={"name_zh": "中国汽车摩托车运动联合会", "name_en": "CAMF"}
    )
    event = open_event(organization, "garage-cup")
    page = page_factory(locale="en-US")
    violations = watch_policy_violations(page)
    log_in(page, live_server.url, driver)

    page.goto(f"{live_server.url}/driver/profile/edit/")
    page.get_by_label("Legal name in Latin letters").fill("ZHANG Min")
    page.get_by_label("Date of birth").fill("1994-05-17")
    page.get_by_label("Nationality").fill("China")
    page.get_by_label("Identity document", exact=True).select_option("passport")
    page.get_by_role("textbox", name=re.compile("^Identity document number")).fill("E12345678")
    page.get_by_label("Mobile phone").fill("+86 139 0000 0000")
    contact = page.get_by_role("group", name="Contact 1")
    contact.get_by_label("Name").fill("Zhang Wei")
    contact.get_by_label("Relationship").fill("father")
    contact.get_by_label("Phone").fill("+86 137 0000 0000")
    page.locator("input[name=sensitive_consent]").check()
    page.locator("main form").get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert driver.driver_profile.name_latin == "ZHANG Min"

    page.goto(f"{live_server.url}/driver/licences/new/")
    page.get_by_label("Issuer").select_option(index=1)
    page.get_by_label("Discipline").select_option(index=1)
    page.get_by_label("Number").fill("CAMF-2026-0042")
    today = timezone.localdate()
    page.get_by_label("Valid from").fill(f"{today.year}-01-01")
    page.get_by_label("Valid to", exact=True).fill(f"{today.year}-12-31")
    page.get_by_label("Temporary").check()
    page.locator("main form").get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert driver.driver_profile.licences.filter(number_hash=lookup_hash("CAMF-2026-0042")).exists()

    page.goto(f"{live_server.url}/driver/garage/new/")
    page.get_by_label("Make").fill("Mazda")
    page.get_by_label("Model", exact=True).fill("MX-5")
    page.get_by_label("Year").fill("2019")
    page.get_by_label("Powertrain").select_option(index=1)
    page.locator("main form").get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    vehicle = driver.driver_profile.vehicles.get()

    page.goto(f"{live_server.url}/events/{event.slug}/enter/")
    page.get_by_label(re.compile("Rookie Cup")).check()
    page.get_by_label("Vehicle").select_option(str(vehicle.pk))
    page.get_by_role("button", name="Enter").click()
    page.wait_for_load_state()
    entry = Entry.objects.get(driver=driver, event=event)
    assert entry.vehicle_id == vehicle.pk
    assert "MX-5" in page.locator("main").inner_text()
    assert violations == []
