from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import mail

from events.models import AuditLog, Entry, Payment, StripeEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_paid_session_confirms_the_entry_and_sends_one_receipt(
    held_and_checked_out: Any,
    fake_stripe: Any,
    post_webhook: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry, payment = held_and_checked_out
    completed = fake_stripe.pay(payment.stripe_session_id)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(completed)

    assert response.status_code == 200
    entry.refresh_from_db()
    payment.refresh_from_db()
    assert entry.status == Entry.Status.CONFIRMED
    assert entry.expires_at is None
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.stripe_payment_intent_id.startswith("pi_")
    assert len(mail.outbox) == 1
    assert entry.receipt_number in mail.outbox[0].body


def test_five_deliveries_of_one_event_confirm_once(
    held_and_checked_out: Any,
    fake_stripe: Any,
    post_webhook: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry, payment = held_and_checked_out
    completed = fake_stripe.pay(payment.stripe_session_id)

    with django_capture_on_commit_callbacks(execute=True):
        statuses = [post_webhook(completed).status_code for _ in range(5)]

    assert statuses == [200] * 5
    assert StripeEvent.objects.count() == 1
    assert AuditLog.objects.filter(entry=entry, action="confirmed").count() == 1
    assert AuditLog.objects.filter(payment=payment, action="payment_succeeded").count() == 1
    assert len(mail.outbox) == 1


def test_the_return_page_and_the_webhook_together_confirm_once(
    held_and_checked_out: Any,
    fake_stripe: Any,
    post_webhook: Any,
    client: Any,
    driver: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry, payment = held_and_checked_out
    completed = fake_stripe.pay(payment.stripe_session_id)
    client.force_login(driver)

    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(f"/entries/{entry.pk}/paid/?session_id={payment.stripe_session_id}")
        hook = post_webhook(completed)

    assert page.status_code == 302
    assert hook.status_code == 200
    entry.refresh_from_db()
    assert entry.status == Entry.Status.CONFIRMED
    assert AuditLog.objects.filter(entry=entry, action="confirmed").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("forgery", ["other secret", "stale", "tampered body", "no header"])
def test_a_forged_or_stale_webhook_gets_400_and_changes_nothing(
    held_and_checked_out: Any, fake_stripe: Any, post_webhook: Any, client: Any, forgery: str
) -> None:
    entry, payment = held_and_checked_out
    completed = fake_stripe.pay(payment.stripe_session_id)

    if forgery == "other secret":
        response = post_webhook(completed, secret="whsec_attacker")
    elif forgery == "stale":
        response = post_webhook(completed, timestamp=int(time.time()) - 3600)
    elif forgery == "tampered body":
        from tests.events.registration.conftest import WEBHOOK_SECRET
        from tests.fakes.stripe_signing import signed_event

        body, signature = signed_event(completed, WEBHOOK_SECRET)
        response = client.post(
            "/payments/stripe/webhook/",
            data=body.replace(b"complete", b"completE"),
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signature,
        )
    else:
        response = client.post(
            "/payments/stripe/webhook/", data=b"{}", content_type="application/json"
        )

    assert response.status_code == 400
    entry.refresh_from_db()
    payment.refresh_from_db()
    assert entry.status == Entry.Status.HELD
    assert payment.status == Payment.Status.PENDING
    assert StripeEvent.objects.count() == 0


def test_an_expired_session_marks_the_payment_expired_and_keeps_the_hold(
    held_and_checked_out: Any, fake_stripe: Any, post_webhook: Any
) -> None:
    entry, payment = held_and_checked_out

    response = post_webhook(fake_stripe.expire(payment.stripe_session_id))

    assert response.status_code == 200
    payment.refresh_from_db()
    entry.refresh_from_db()
    assert payment.status == Payment.Status.EXPIRED
    assert entry.status == Entry.Status.HELD


def test_a_failed_payment_is_recorded(
    held_and_checked_out: Any, fake_stripe: Any, post_webhook: Any
) -> None:
    _entry, payment = held_and_checked_out

    post_webhook(fake_stripe.fail(payment.stripe_session_id))

    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert AuditLog.objects.filter(payment=payment, action="payment_failed").count() == 1


def test_the_checkout_session_carries_our_payment_and_expires_with_the_hold(
    held_and_checked_out: Any, fake_stripe: Any
) -> None:
    entry, payment = held_and_checked_out
    entry.refresh_from_db()
    session = fake_stripe.sessions[payment.stripe_session_id]

    assert session["metadata"]["paddock_payment_id"] == str(payment.pk)
    assert session["expires_at"] <= entry.expires_at.timestamp()
    assert session["amount_total"] == 80000
    assert fake_stripe.calls("POST", "/v1/checkout/sessions")[0].idempotency_key == (
        f"paddock-payment-{payment.pk}-checkout"
    )


def test_the_confirmation_is_written_in_the_drivers_language(
    event: Any,
    driver: Any,
    register: Any,
    fake_stripe: Any,
    post_webhook: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from events.services.checkout import start_checkout

    entry = register(driver, event.entry_classes.get(), language="zh-hans")
    payment = start_checkout(entry_id=entry.pk, driver=driver)

    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(fake_stripe.pay(payment.stripe_session_id))

    assert mail.outbox[0].subject == f"报名已确认：{event.title}"
    assert "收据编号" in mail.outbox[0].body
