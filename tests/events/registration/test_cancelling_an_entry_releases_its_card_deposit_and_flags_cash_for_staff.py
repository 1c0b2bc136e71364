"""Cancelling an entry, by the driver or by staff, cancels its card authorisation at Stripe (or
withdraws an unused link), with audit rows and the driver's e-mail. Cash taken at the track cannot
be returned by software: it stays held and staff are told to hand it back and release it. Stripe
being unreachable or refusing never stops the cancellation: the deposit waits for a retry."""

from __future__ import annotations

import socket
from typing import Any

import pytest
import stripe
from django.core import mail

from events.models import AuditLog, Deposit, Entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def no_backoff_sleeps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stripe._http_client.HTTPClient, "_sleep_time_seconds", lambda *a, **k: 0)


def closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def staff_cancel(client: Any, entry: Entry, captured: Any) -> str:
    event = entry.event
    base = f"/organizer/{event.organization.slug}/events/{event.slug}/entries/{entry.pk}/"
    with captured(execute=True):
        response = client.post(base + "cancel/", {"reason": "No show"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    return client.get(base, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_driver_cancelling_releases_the_card_authorisation_once(
    client: Any,
    driver: Any,
    authorised_deposit: Deposit,
    fake_stripe: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry = authorised_deposit.entry
    mail.outbox.clear()
    client.force_login(driver)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/entries/{entry.pk}/cancel/")

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Entry.Status.CANCELLED
    authorised_deposit.refresh_from_db()
    assert (authorised_deposit.status, authorised_deposit.captured_minor) == ("released", 0)
    [cancel] = fake_stripe.calls("POST", "/v1/payment_intents/")
    assert (
        cancel.path == f"/v1/payment_intents/{authorised_deposit.stripe_payment_intent_id}/cancel"
    )
    assert cancel.idempotency_key == f"paddock-deposit-{authorised_deposit.pk}-settle-0"
    settling = AuditLog.objects.get(entry=entry, action="deposit_settling")
    assert settling.actor == driver and "cancelled_by_driver" in settling.detail
    assert AuditLog.objects.filter(entry=entry, action="deposit_released").count() == 1
    # The cancellation and the release, each once.
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 2
    assert f"Damage deposit released: {entry.event.title}" in subjects


def test_staff_cancelling_withdraws_an_unused_authorisation_link(
    client: Any,
    staff_member: Any,
    deposit_entry: Entry,
    fake_stripe: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from events.services.deposits import request_card_deposit

    link = request_card_deposit(entry_id=deposit_entry.pk, actor=staff_member)
    mail.outbox.clear()
    client.force_login(staff_member)

    staff_cancel(client, deposit_entry, django_capture_on_commit_callbacks)

    link.refresh_from_db()
    assert link.status == Deposit.Status.CANCELLED
    assert fake_stripe.sessions[link.stripe_session_id]["status"] == "expired"
    assert AuditLog.objects.filter(entry=deposit_entry, action="deposit_withdrawn").count() == 1
    [email] = mail.outbox
    assert "The link to authorise your damage deposit no longer works" in email.body


def test_cash_stays_held_and_staff_are_told_to_hand_it_back(
    client: Any,
    staff_member: Any,
    driver: Any,
    deposit_entry: Entry,
    deposit_url: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from events.services.deposits import hold_deposit_at_track

    cash = hold_deposit_at_track(entry_id=deposit_entry.pk, actor=staff_member)
    mail.outbox.clear()
    client.force_login(staff_member)

    page = staff_cancel(client, deposit_entry, django_capture_on_commit_callbacks)

    cash.refresh_from_db()
    assert cash.status == Deposit.Status.HELD
    assert AuditLog.objects.get(entry=deposit_entry, action="deposit_to_hand_back").actor == (
        staff_member
    )
    assert 'data-deposit-warning="hand-back"' in page
    assert "software cannot return it. Hand it back to the driver" in page
    assert "Release the deposit (cash returned)" in page
    event = deposit_entry.event
    listing = client.get(
        f"/organizer/{event.organization.slug}/events/{event.slug}/entries/",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "hand the cash back" in listing
    assert "1 cancelled entry still has a damage deposit taken in cash" in listing
    [email] = mail.outbox
    assert "hands back the damage deposit of 2000.00 CNY you left at the track" in email.body
    client.force_login(driver)
    assert (
        "the organizer hands your cash deposit back"
        in client.get(f"/entries/{deposit_entry.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )

    client.force_login(staff_member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(deposit_url(deposit_entry, "release"))

    cash.refresh_from_db()
    assert cash.status == Deposit.Status.RELEASED
    listing = client.get(
        f"/organizer/{event.organization.slug}/events/{event.slug}/entries/",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "hand the cash back" not in listing


def test_stripe_unreachable_still_cancels_and_the_release_waits_for_a_retry(
    client: Any,
    staff_member: Any,
    authorised_deposit: Deposit,
    deposit_url: Any,
    fake_stripe: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry = authorised_deposit.entry
    client.force_login(staff_member)
    settings.STRIPE_API_BASE = closed_port()

    page = staff_cancel(client, entry, django_capture_on_commit_callbacks)

    entry.refresh_from_db()
    assert entry.status == Entry.Status.CANCELLED
    authorised_deposit.refresh_from_db()
    assert authorised_deposit.status == Deposit.Status.SETTLING
    assert authorised_deposit.settle_capture_minor == 0
    assert "Retry with Stripe" in page

    settings.STRIPE_API_BASE = fake_stripe.url
    with django_capture_on_commit_callbacks(execute=True):
        client.post(deposit_url(entry, "retry"))

    authorised_deposit.refresh_from_db()
    assert authorised_deposit.status == Deposit.Status.RELEASED
    [cancel] = fake_stripe.calls("POST", "/v1/payment_intents/")
    assert cancel.path.endswith("/cancel")
    assert AuditLog.objects.filter(entry=entry, action="deposit_released").count() == 1


def test_a_refusal_by_stripe_leaves_it_held_for_staff_to_release(
    client: Any,
    staff_member: Any,
    authorised_deposit: Deposit,
    deposit_url: Any,
    fake_stripe: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry = authorised_deposit.entry
    client.force_login(staff_member)
    fake_stripe.fail_next("POST", "/v1/payment_intents/", status=400, message="Try later.")

    page = staff_cancel(client, entry, django_capture_on_commit_callbacks)

    entry.refresh_from_db()
    assert entry.status == Entry.Status.CANCELLED
    authorised_deposit.refresh_from_db()
    assert authorised_deposit.status == Deposit.Status.HELD
    assert 'data-deposit-warning="release"' in page
    assert "Stripe refused to cancel the card authorisation" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(deposit_url(entry, "release"))

    authorised_deposit.refresh_from_db()
    assert authorised_deposit.status == Deposit.Status.RELEASED
    keys = [c.idempotency_key for c in fake_stripe.calls("POST", "/v1/payment_intents/")]
    assert keys == [
        f"paddock-deposit-{authorised_deposit.pk}-settle-0",
        f"paddock-deposit-{authorised_deposit.pk}-settle-1",
    ]


def test_the_deposit_lines_are_in_the_language_the_driver_entered_in(
    client: Any,
    staff_member: Any,
    deposit_entry: Entry,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from events.services.deposits import hold_deposit_at_track

    Entry.objects.filter(pk=deposit_entry.pk).update(language="zh-hans")
    hold_deposit_at_track(entry_id=deposit_entry.pk, actor=staff_member)
    mail.outbox.clear()
    client.force_login(staff_member)

    staff_cancel(client, deposit_entry, django_capture_on_commit_callbacks)

    [email] = mail.outbox
    assert "主办方会把您在赛道交付的 2000.00 CNY 损坏押金退还给您。" in email.body
