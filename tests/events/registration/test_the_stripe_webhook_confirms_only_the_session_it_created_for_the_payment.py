"""A Checkout Session's metadata names a payment but proves nothing: any session on the same
Stripe account (another site, a test environment, a link made by hand) can carry it. Only the
session we created for a payment, and stored, confirms that payment and its entry."""

from __future__ import annotations

from typing import Any

import pytest

from events.models import AuditLog, Entry, Payment, StripeEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def foreign_session(fake_stripe: Any, payment: Payment) -> dict[str, Any]:
    """A session Paddock never made, for the same amount, naming our payment and entry."""
    return fake_stripe._create_session(
        {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": "1",
                    "price_data": {
                        "currency": payment.currency.lower(),
                        "unit_amount": str(payment.amount_minor),
                    },
                }
            ],
            "metadata": {
                "paddock_payment_id": str(payment.pk),
                "paddock_entry_id": str(payment.entry_id),
            },
        }
    )


def assert_still_waiting(entry: Entry, payment: Payment) -> None:
    entry.refresh_from_db()
    payment.refresh_from_db()
    assert entry.status == Entry.Status.HELD
    assert payment.status == Payment.Status.PENDING
    assert not AuditLog.objects.filter(action="payment_succeeded").exists()


def test_a_paid_foreign_session_naming_our_payment_confirms_nothing(
    held_and_checked_out: Any, fake_stripe: Any, post_webhook: Any
) -> None:
    entry, payment = held_and_checked_out
    other = foreign_session(fake_stripe, payment)

    response = post_webhook(fake_stripe.pay(other["id"]))

    assert response.status_code == 200  # well formed and signed: Stripe must not retry it
    assert_still_waiting(entry, payment)
    # Our own session still confirms afterwards.
    assert post_webhook(fake_stripe.pay(payment.stripe_session_id)).status_code == 200
    entry.refresh_from_db()
    assert entry.status == Entry.Status.CONFIRMED


@pytest.mark.parametrize("key", ["paddock_payment_id", "paddock_entry_id"])
def test_our_session_naming_another_payment_or_entry_confirms_nothing(
    held_and_checked_out: Any, fake_stripe: Any, post_webhook: Any, key: str
) -> None:
    entry, payment = held_and_checked_out
    completed = fake_stripe.pay(payment.stripe_session_id)
    completed["data"]["object"]["metadata"][key] = "999999"

    response = post_webhook(completed)

    assert response.status_code == 200
    assert StripeEvent.objects.count() == 1
    assert_still_waiting(entry, payment)
