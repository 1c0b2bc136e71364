"""Without Stripe keys (and whenever the driver prefers) the deposit is held in cash or on the
organizer's own terminal: staff record it at check-in and settle it after the event."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from events.models import AuditLog, Deposit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_without_stripe_keys_staff_record_a_cash_deposit_and_keep_part_of_it(
    client: Any,
    staff_member: Any,
    deposit_entry: Any,
    deposit_url: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.STRIPE_SECRET_KEY = ""
    client.force_login(staff_member)
    event = deposit_entry.event
    entry_page = f"/organizer/{event.organization.slug}/events/{event.slug}/entries/"
    entry_page += f"{deposit_entry.pk}/"
    before = client.get(entry_page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Record deposit held at the track" in before
    assert "card authorisation link" not in before

    client.post(deposit_url(deposit_entry, "hold"))
    deposit = Deposit.objects.get(entry=deposit_entry)
    assert (deposit.method, deposit.status) == (Deposit.Method.AT_TRACK, Deposit.Status.HELD)
    assert deposit.amount_minor == 200000
    assert deposit.taken_by == staff_member
    with django_capture_on_commit_callbacks(execute=True):
        client.post(deposit_url(deposit_entry, "capture"), {"amount": "120", "note": "Dented door"})

    deposit.refresh_from_db()
    assert (deposit.status, deposit.captured_minor) == (Deposit.Status.CAPTURED, 12000)
    actions = list(
        AuditLog.objects.filter(entry=deposit_entry, action__startswith="deposit_").values_list(
            "action", flat=True
        )
    )
    assert actions == ["deposit_held", "deposit_captured"]
    [email] = mail.outbox
    assert "1880.00 CNY is returned to you by the organizer" in email.body
    assert "Dented door" in email.body


def test_staff_mark_a_cash_deposit_returned(
    client: Any,
    staff_member: Any,
    deposit_entry: Any,
    deposit_url: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(staff_member)
    client.post(deposit_url(deposit_entry, "hold"))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(deposit_url(deposit_entry, "release"), {"reason": "All good"})

    deposit = Deposit.objects.get(entry=deposit_entry)
    assert deposit.status == Deposit.Status.RELEASED
    assert deposit.note == "All good"
    [email] = mail.outbox
    assert "the organizer returns it to you" in email.body


def test_a_card_link_cannot_be_sent_without_stripe_keys(
    client: Any, staff_member: Any, deposit_entry: Any, deposit_url: Any, settings: Any
) -> None:
    settings.STRIPE_SECRET_KEY = ""
    client.force_login(staff_member)

    page = client.post(
        deposit_url(deposit_entry, "card"), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "Online payment is not configured: take the deposit at the track instead." in page
    assert not Deposit.objects.exists()


def test_a_class_without_deposit_takes_none(
    client: Any, staff_member: Any, event: Any, driver: Any, register: Any, deposit_url: Any,
    settings: Any,
) -> None:  # fmt: skip
    settings.STRIPE_SECRET_KEY = ""
    entry = register(driver, event.entry_classes.get())
    client.force_login(staff_member)

    page = client.post(
        deposit_url(entry, "hold"), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "This entry&#x27;s class takes no damage deposit." in page
    assert not Deposit.objects.exists()
