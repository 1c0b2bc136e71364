"""A correctly signed body can still be one we never expected (a test event, another API
version, a hand-made resend). Each such body answers 400 and stores nothing, where it used to
crash into a 500 or be half-read."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from events.models import Entry, Payment, StripeEvent
from tests.events.registration.conftest import WEBHOOK_SECRET
from tests.fakes.stripe_signing import stripe_signature

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

Change = Callable[[dict[str, Any]], Any]


def obj(event: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = event["data"]["object"]
    return result


def setting(key: str, value: Any) -> Change:
    def change(event: dict[str, Any]) -> dict[str, Any]:
        obj(event)[key] = value
        return event

    return change


def without(key: str) -> Change:
    def change(event: dict[str, Any]) -> dict[str, Any]:
        del obj(event)[key]
        return event

    return change


def metadata(value: Any) -> Change:
    return setting("metadata", value)


SESSION_CHANGES: dict[str, Change] = {
    "metadata as a string": metadata("paddock_payment_id=1"),
    "metadata as a list": metadata(["paddock_payment_id"]),
    "metadata holding a number": lambda e: metadata({"paddock_payment_id": 1})(e),
    "a payment id that is not a number": lambda e: metadata(
        {**obj(e)["metadata"], "paddock_payment_id": "１"}
    )(e),
    "no metadata": without("metadata"),
    "amount_total as text": setting("amount_total", "lots"),
    "amount_total as a fraction": setting("amount_total", 12.5),
    "amount_total as true": setting("amount_total", True),
    "an object without id": without("id"),
    "an id that is a number": setting("id", 42),
    "an empty id": setting("id", ""),
    "no status": without("status"),
    "payment_status as a list": setting("payment_status", ["paid"]),
    "payment_intent as a number": setting("payment_intent", 7),
    "payment_intent as an object without id": setting("payment_intent", {"object": "x"}),
    "currency as a number": setting("currency", 156),
    "the object as a list": lambda e: {**e, "data": {"object": [obj(e)]}},
    "data as a list": lambda e: {**e, "data": [obj(e)]},
    "no data": lambda e: {k: v for k, v in e.items() if k != "data"},
    "the event as a list": lambda e: [e],
    "the event as a string": lambda e: "checkout.session.completed",
    "the event as null": lambda e: None,
    "an event id that is a number": lambda e: {**e, "id": 1},
    "a type that is a list": lambda e: {**e, "type": ["checkout.session.completed"]},
}


def post_signed(client: Any, body: Any) -> Any:
    raw = json.dumps(body).encode()
    with translation.override(translation.get_language()):
        return client.post(
            "/payments/stripe/webhook/",
            data=raw,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=stripe_signature(raw, WEBHOOK_SECRET),
        )


def assert_nothing_changed(entry: Entry, payment: Payment) -> None:
    entry.refresh_from_db()
    payment.refresh_from_db()
    assert StripeEvent.objects.count() == 0
    assert entry.status == Entry.Status.HELD
    assert payment.status == Payment.Status.PENDING
    assert payment.stripe_payment_intent_id == ""


@pytest.mark.parametrize("change", list(SESSION_CHANGES.values()), ids=list(SESSION_CHANGES))
def test_a_malformed_completed_session(
    client: Any, held_and_checked_out: Any, fake_stripe: Any, change: Change
) -> None:
    entry, payment = held_and_checked_out
    completed = fake_stripe.pay(payment.stripe_session_id)

    response = post_signed(client, change(copy.deepcopy(completed)))

    assert response.status_code == 400
    assert_nothing_changed(entry, payment)
    # The same event unchanged is still accepted: only the malformation was refused.
    assert post_signed(client, completed).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


INTENT_CHANGES: dict[str, Change] = {
    "metadata as a string": metadata("paddock_deposit_id=1"),
    "amount_capturable as text": setting("amount_capturable", "all"),
    "amount_received as a list": setting("amount_received", [1]),
    "an object without id": without("id"),
    "cancellation_reason as a number": setting("cancellation_reason", 3),
}


@pytest.mark.parametrize(
    "type_", ["payment_intent.amount_capturable_updated", "payment_intent.canceled"]
)
@pytest.mark.parametrize("change", list(INTENT_CHANGES.values()), ids=list(INTENT_CHANGES))
def test_a_malformed_payment_intent(
    client: Any, held_and_checked_out: Any, fake_stripe: Any, type_: str, change: Change
) -> None:
    entry, payment = held_and_checked_out
    fake_stripe.pay(payment.stripe_session_id)
    intent_id = fake_stripe.sessions[payment.stripe_session_id]["payment_intent"]
    event = fake_stripe.event(type_, fake_stripe.payment_intents[intent_id])

    response = post_signed(client, change(event))

    assert response.status_code == 400
    assert_nothing_changed(entry, payment)


@pytest.mark.parametrize(
    "change",
    [setting("amount_refunded", "all"), setting("payment_intent", 5)],
    ids=["amount_refunded as text", "payment_intent as a number"],
)
def test_a_malformed_charge_refund(
    client: Any, paid_entry: Any, fake_stripe: Any, change: Change
) -> None:
    _entry, payment = paid_entry()
    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": payment.stripe_payment_intent_id,
        "amount_refunded": payment.amount_minor,
    }

    response = post_signed(client, change(fake_stripe.event("charge.refunded", charge)))

    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.refunded_minor == 0
    assert not payment.refunds.exists()
