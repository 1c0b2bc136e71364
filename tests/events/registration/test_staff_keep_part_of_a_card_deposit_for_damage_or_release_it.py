"""After the event staff keep part of an authorised deposit for damage (Stripe captures that
much and releases the rest) or release it all (Stripe cancels the authorisation); either way the
driver is told by e-mail, in the language they entered in, and the change is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from events.models import AuditLog, Deposit

pytestmark = [pytest.mark.django_db]


def test_staff_keep_part_of_the_deposit_with_a_note(
    client: Any,
    staff_member: Any,
    driver: Any,
    authorised_deposit: Deposit,
    deposit_url: Any,
    fake_stripe: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry = authorised_deposit.entry
    mail.outbox.clear()
    client.force_login(staff_member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            deposit_url(entry, "capture"),
            {"amount": "350.50", "note": "Front wing cracked in turn 3"},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert response.status_code == 302
    authorised_deposit.refresh_from_db()
    assert authorised_deposit.status == Deposit.Status.CAPTURED
    assert authorised_deposit.captured_minor == 35050
    assert authorised_deposit.settled_by == staff_member
    [capture] = fake_stripe.calls("POST", "/v1/payment_intents/")
    assert capture.path.endswith(f"{authorised_deposit.stripe_payment_intent_id}/capture")
    assert capture.params == {"amount_to_capture": "35050"}
    intent = fake_stripe.payment_intents[authorised_deposit.stripe_payment_intent_id]
    assert (intent["status"], intent["amount_received"]) == ("succeeded", 35050)
    row = AuditLog.objects.get(entry=entry, action="deposit_captured")
    assert row.actor == staff_member
    assert "Front wing cracked" in row.detail
    # The driver entered in Chinese (the default): the e-mail is in Chinese.
    [email] = mail.outbox
    assert email.to == ["driver@example.test"]
    assert "350.50" in email.body and "1649.50" in email.body
    assert "Front wing cracked in turn 3" in email.body
    assert email.subject == f"损坏押金已扣留：{entry.event.title}"
    assert "主办方说明: Front wing cracked in turn 3" in email.body
    client.force_login(driver)
    page = client.get(f"/entries/{entry.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "350.50 of 2000.00 CNY was kept for damage" in page


def test_staff_release_the_whole_deposit(
    client: Any,
    staff_member: Any,
    authorised_deposit: Deposit,
    deposit_url: Any,
    fake_stripe: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry = authorised_deposit.entry
    mail.outbox.clear()
    client.force_login(staff_member)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(deposit_url(entry, "release"))

    authorised_deposit.refresh_from_db()
    assert authorised_deposit.status == Deposit.Status.RELEASED
    assert authorised_deposit.captured_minor == 0
    [cancel] = fake_stripe.calls("POST", "/v1/payment_intents/")
    assert cancel.path.endswith("/cancel")
    assert (
        fake_stripe.payment_intents[authorised_deposit.stripe_payment_intent_id]["status"]
        == "canceled"
    )
    assert AuditLog.objects.get(entry=entry, action="deposit_released").actor == staff_member
    [email] = mail.outbox
    assert "2000.00 CNY" in email.body


def test_the_email_is_in_english_for_a_driver_who_entered_in_english(
    event: Any,
    make_user: Any,
    register: Any,
    staff_member: Any,
    fake_stripe: Any,
    post_webhook: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from decimal import Decimal

    from events.services.deposits import capture_deposit, request_card_deposit

    entry_class = event.entry_classes.get()
    entry_class.damage_deposit = Decimal("500.00")
    entry_class.save()
    settings.STRIPE_SECRET_KEY = ""
    with translation.override("en"):
        entry = register(make_user("amy@example.test"), entry_class)
    settings.STRIPE_SECRET_KEY = fake_stripe.api_key
    deposit = request_card_deposit(entry_id=entry.pk, actor=staff_member)
    post_webhook(fake_stripe.authorise(deposit.stripe_session_id))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        capture_deposit(
            deposit_id=deposit.pk, amount_minor=50000, note="Kart rolled", actor=staff_member
        )

    [email] = mail.outbox
    assert email.subject == f"Damage deposit kept: {event.title}"
    assert "The organizer kept 500.00 of your 500.00 CNY damage deposit for damage." in email.body
    assert "Organizer's note: Kart rolled" in email.body
    assert "remaining" not in email.body


def test_the_entry_list_and_csv_show_the_deposit(
    client: Any, staff_member: Any, authorised_deposit: Deposit
) -> None:
    from events.services.deposits import capture_deposit

    capture_deposit(
        deposit_id=authorised_deposit.pk, amount_minor=10000, note="Mirror", actor=staff_member
    )
    event = authorised_deposit.entry.event
    client.force_login(staff_member)
    base = f"/organizer/{event.organization.slug}/events/{event.slug}/"

    page = client.get(base + "entries/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    csv_text = client.get(base + "entries.csv", HTTP_ACCEPT_LANGUAGE="en").content.decode(
        "utf-8-sig"
    )

    assert "Kept for damage" in page
    header, row = csv_text.splitlines()[:2]
    assert "Deposit,Deposit kept" in header
    assert "Kept for damage,100.00" in row
