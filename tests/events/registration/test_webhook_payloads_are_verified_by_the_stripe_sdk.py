from __future__ import annotations

import time

import pytest

from events.gateways import stripe
from tests.events.registration.conftest import WEBHOOK_SECRET
from tests.fakes.stripe_server import FakeStripe
from tests.fakes.stripe_signing import signed_event, stripe_signature


def completed_event(fake_stripe: FakeStripe) -> dict[str, object]:
    session = fake_stripe._create_session(
        {
            "mode": "payment",
            "line_items": [
                {"quantity": "1", "price_data": {"currency": "cny", "unit_amount": "100"}}
            ],
            "metadata": {"paddock_payment_id": "3"},
        }
    )
    return fake_stripe.pay(session["id"])


def test_a_correctly_signed_event_is_accepted(fake_stripe: FakeStripe) -> None:
    body, signature = signed_event(completed_event(fake_stripe), WEBHOOK_SECRET)

    event = stripe.parse_webhook(body, signature)

    assert event.type == "checkout.session.completed"
    assert stripe.session_from_event(event).payment_id == 3
    assert stripe.session_from_event(event).is_paid


def test_a_signature_made_with_another_secret_is_refused(fake_stripe: FakeStripe) -> None:
    body, signature = signed_event(completed_event(fake_stripe), "whsec_forged")

    with pytest.raises(stripe.InvalidWebhook):
        stripe.parse_webhook(body, signature)


def test_a_body_changed_after_signing_is_refused(fake_stripe: FakeStripe) -> None:
    body, signature = signed_event(completed_event(fake_stripe), WEBHOOK_SECRET)

    with pytest.raises(stripe.InvalidWebhook):
        stripe.parse_webhook(body.replace(b'"3"', b'"4"'), signature)


def test_a_stale_signature_is_refused(fake_stripe: FakeStripe) -> None:
    event = completed_event(fake_stripe)
    body, signature = signed_event(event, WEBHOOK_SECRET, timestamp=int(time.time()) - 600)

    with pytest.raises(stripe.InvalidWebhook):
        stripe.parse_webhook(body, signature)


def test_a_missing_signature_is_refused(fake_stripe: FakeStripe) -> None:
    body, _ = signed_event(completed_event(fake_stripe), WEBHOOK_SECRET)

    with pytest.raises(stripe.InvalidWebhook):
        stripe.parse_webhook(body, "")
    with pytest.raises(stripe.InvalidWebhook):
        stripe.parse_webhook(b"not json", stripe_signature(b"not json", WEBHOOK_SECRET))
