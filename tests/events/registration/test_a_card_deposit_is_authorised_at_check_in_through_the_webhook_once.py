"""At check-in staff send the driver a card authorisation link (a Checkout Session with manual
capture, card only); Stripe's webhook marks the deposit held, once per Stripe event."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from events.models import AuditLog, Deposit, StripeEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_staff_send_a_link_that_only_authorises_the_deposit_on_a_card(
    client: Any,
    staff_member: Any,
    deposit_entry: Any,
    deposit_url: Any,
    fake_stripe: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(staff_member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(deposit_url(deposit_entry, "card"))

    assert response.status_code == 302
    deposit = Deposit.objects.get(entry=deposit_entry)
    assert deposit.status == Deposit.Status.REQUESTED
    assert (deposit.amount_minor, deposit.currency) == (200000, "CNY")
    [create] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert create.params["payment_method_types"] == ["card"]
    assert create.params["payment_intent_data"]["capture_method"] == "manual"
    assert create.params["line_items"][0]["price_data"]["unit_amount"] == "200000"
    assert create.idempotency_key == f"paddock-deposit-{deposit.pk}-checkout"
    [email] = mail.outbox
    assert email.to == ["driver@example.test"]
    assert deposit.checkout_url in email.body
    assert "2000.00 CNY" in email.body
    # A second click shows the same link: no second session, no second e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(deposit_url(deposit_entry, "card"))
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 1
    assert len(mail.outbox) == 1
    event = deposit_entry.event
    staff_page = client.get(
        f"/organizer/{event.organization.slug}/events/{event.slug}/entries/{deposit_entry.pk}/"
    )
    assert deposit.checkout_url in staff_page.content.decode()


def test_the_driver_sees_the_link_and_then_the_held_deposit(
    client: Any, driver: Any, authorised_deposit: Deposit
) -> None:
    assert authorised_deposit.status == Deposit.Status.HELD
    client.force_login(driver)

    page = client.get(
        f"/entries/{authorised_deposit.entry_id}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "Damage deposit" in page
    assert 'data-deposit="held"' in page
    assert "2000.00 CNY" in page
    assert authorised_deposit.checkout_url not in page


def test_the_webhook_marks_the_deposit_held_once_per_stripe_event(
    deposit_entry: Any,
    staff_member: Any,
    fake_stripe: Any,
    post_webhook: Any,
    client: Any,
    driver: Any,
) -> None:
    from events.services.deposits import request_card_deposit

    deposit = request_card_deposit(entry_id=deposit_entry.pk, actor=staff_member)
    client.force_login(driver)
    before = client.get(f"/entries/{deposit_entry.pk}/").content.decode()
    assert deposit.checkout_url in before
    authorised = fake_stripe.authorise(deposit.stripe_session_id)

    first = post_webhook(authorised)
    again = post_webhook(authorised)

    assert (first.status_code, first.content) == (200, b"ok")
    assert (again.status_code, again.content) == (200, b"duplicate")
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.HELD
    assert deposit.stripe_payment_intent_id == authorised["data"]["object"]["id"]
    assert AuditLog.objects.filter(entry=deposit_entry, action="deposit_authorised").count() == 1
    assert StripeEvent.objects.filter(type="payment_intent.amount_capturable_updated").count() == 1


def test_an_unsigned_authorisation_changes_nothing(
    deposit_entry: Any, staff_member: Any, fake_stripe: Any, post_webhook: Any
) -> None:
    from events.services.deposits import request_card_deposit

    deposit = request_card_deposit(entry_id=deposit_entry.pk, actor=staff_member)

    response = post_webhook(fake_stripe.authorise(deposit.stripe_session_id), secret="whsec_bad")

    assert response.status_code == 400
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.REQUESTED


def test_an_authorisation_after_the_deposit_was_taken_in_cash_is_cancelled_at_stripe(
    deposit_entry: Any,
    staff_member: Any,
    fake_stripe: Any,
    post_webhook: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from events.services.deposits import hold_deposit_at_track, request_card_deposit

    link = request_card_deposit(entry_id=deposit_entry.pk, actor=staff_member)
    authorised = fake_stripe.authorise(link.stripe_session_id)
    # The driver paid cash at the desk while their phone was still on the card page.
    with django_capture_on_commit_callbacks(execute=True):
        hold_deposit_at_track(entry_id=deposit_entry.pk, actor=staff_member)

    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(authorised).status_code == 200

    link.refresh_from_db()
    assert link.status == Deposit.Status.CANCELLED
    intent = fake_stripe.payment_intents[authorised["data"]["object"]["id"]]
    assert intent["status"] == "canceled"
    current = Deposit.objects.get(entry=deposit_entry, status=Deposit.Status.HELD)
    assert current.method == Deposit.Method.AT_TRACK


def test_an_expired_link_lets_staff_send_a_new_one(
    deposit_entry: Any, staff_member: Any, fake_stripe: Any, post_webhook: Any
) -> None:
    from events.services.deposits import request_card_deposit

    first = request_card_deposit(entry_id=deposit_entry.pk, actor=staff_member)
    assert post_webhook(fake_stripe.expire(first.stripe_session_id)).status_code == 200
    first.refresh_from_db()
    assert first.status == Deposit.Status.EXPIRED

    second = request_card_deposit(entry_id=deposit_entry.pk, actor=staff_member)

    assert second.pk != first.pk
    assert second.status == Deposit.Status.REQUESTED
    assert second.stripe_session_id != first.stripe_session_id
