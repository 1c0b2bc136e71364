"""Cancelling an event releases every card deposit at Stripe and withdraws unused links, like
its refunds: a release Stripe could not be reached for waits and `refund_cancelled_event` (or the
"resume" button) sends it again, once. Cash deposits stay held, and the cancellation page and its
message tell staff to hand them back."""

from __future__ import annotations

import socket
from decimal import Decimal
from typing import Any

import pytest
import stripe
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from events.models import AuditLog, Deposit, Entry, Event
from events.services.deposits import hold_deposit_at_track, request_card_deposit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def no_backoff_sleeps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stripe._http_client.HTTPClient, "_sleep_time_seconds", lambda *a, **k: 0)


@pytest.fixture
def three_deposits(
    event: Event,
    drivers: Any,
    register: Any,
    staff_member: Any,
    fake_stripe: Any,
    post_webhook: Any,
    settings: Any,
) -> dict[str, Deposit]:
    """A card deposit held, a card link not used yet and cash held at the track."""
    entry_class = event.entry_classes.get()
    entry_class.damage_deposit = Decimal("1500.00")
    entry_class.save()
    settings.STRIPE_SECRET_KEY = ""
    card_entry, link_entry, cash_entry = (register(d, entry_class) for d in drivers(3))
    settings.STRIPE_SECRET_KEY = fake_stripe.api_key
    card = request_card_deposit(entry_id=card_entry.pk, actor=staff_member)
    assert post_webhook(fake_stripe.authorise(card.stripe_session_id)).status_code == 200
    link = request_card_deposit(entry_id=link_entry.pk, actor=staff_member)
    cash = hold_deposit_at_track(entry_id=cash_entry.pk, actor=staff_member)
    mail.outbox.clear()
    return {"card": card, "link": link, "cash": cash}


def cancel_page(event: Event) -> str:
    kwargs = {"org_slug": event.organization.slug, "slug": event.slug}
    return reverse("events:event-cancel", kwargs=kwargs)


def test_cancelling_the_event_releases_cards_withdraws_links_and_flags_cash(
    client: Any,
    organizer: Any,
    event: Event,
    three_deposits: dict[str, Deposit],
    fake_stripe: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    card, link, cash = three_deposits["card"], three_deposits["link"], three_deposits["cash"]
    client.force_login(organizer)
    before = client.get(cancel_page(event), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 damage deposit was taken in cash at the track." in before

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            cancel_page(event), {"reason": "Typhoon"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )

    page = response.content.decode()
    assert "Event cancelled." in page
    assert "Cancelling cannot return it: hand it back to the driver" in page
    for deposit in (card, link, cash):
        deposit.refresh_from_db()
    assert (card.status, link.status, cash.status) == ("released", "cancelled", "held")
    assert Entry.objects.filter(event=event, status=Entry.Status.CANCELLED).count() == 3
    [cancel] = fake_stripe.calls("POST", "/v1/payment_intents/")
    assert cancel.path.endswith(f"{card.stripe_payment_intent_id}/cancel")
    assert fake_stripe.sessions[link.stripe_session_id]["status"] == "expired"
    assert AuditLog.objects.filter(entry=cash.entry, action="deposit_to_hand_back").count() == 1
    by_driver = {m.to[0]: m for m in mail.outbox if "cancelled" in m.subject.lower()}
    assert len(by_driver) == 3
    assert "no longer works" in by_driver[link.entry.driver.email].body
    assert "hands back the damage deposit of 1500.00 CNY" in by_driver[cash.entry.driver.email].body
    released = [m for m in mail.outbox if m.subject.startswith("Damage deposit released")]
    assert [m.to for m in released] == [[card.entry.driver.email]]
    entries = client.get(
        reverse(
            "events:manage-entries",
            kwargs={"org_slug": event.organization.slug, "slug": event.slug},
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "hand the cash back" in entries


def test_a_release_stripe_could_not_take_is_resumed_once(
    client: Any,
    organizer: Any,
    event: Event,
    three_deposits: dict[str, Deposit],
    fake_stripe: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    card = three_deposits["card"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        settings.STRIPE_API_BASE = f"http://127.0.0.1:{probe.getsockname()[1]}"
    client.force_login(organizer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel_page(event), {"reason": "Typhoon"})

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    card.refresh_from_db()
    assert (card.status, card.settle_capture_minor) == ("settling", 0)
    with pytest.raises(CommandError):
        call_command("refund_cancelled_event", event.slug)

    settings.STRIPE_API_BASE = fake_stripe.url
    call_command("refund_cancelled_event", event.slug)
    call_command("refund_cancelled_event", event.slug)

    card.refresh_from_db()
    assert card.status == Deposit.Status.RELEASED
    assert len(fake_stripe.calls("POST", "/v1/payment_intents/")) == 1
    assert AuditLog.objects.filter(entry=card.entry, action="deposit_released").count() == 1
    assert AuditLog.objects.filter(entry=card.entry, action="deposit_settling").count() == 1


def test_a_release_stripe_refused_is_tried_again_with_a_new_key_on_resume(
    client: Any,
    organizer: Any,
    event: Event,
    three_deposits: dict[str, Deposit],
    fake_stripe: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    card = three_deposits["card"]
    fake_stripe.fail_next("POST", "/v1/payment_intents/", status=400, message="Try later.")
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(cancel_page(event), {"reason": "Typhoon"})
    card.refresh_from_db()
    assert card.status == Deposit.Status.HELD

    response = client.post(
        reverse(
            "events:manage-refund-cancelled-event",
            kwargs={"org_slug": event.organization.slug, "slug": event.slug},
        ),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "Card deposits: 1 released, 0 waiting for Stripe" in response.content.decode()
    card.refresh_from_db()
    assert card.status == Deposit.Status.RELEASED
    keys = [c.idempotency_key for c in fake_stripe.calls("POST", "/v1/payment_intents/")]
    assert keys == [f"paddock-deposit-{card.pk}-settle-0", f"paddock-deposit-{card.pk}-settle-1"]
