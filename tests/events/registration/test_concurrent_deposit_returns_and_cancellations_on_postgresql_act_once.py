"""The new concurrent paths on a deposit, on PostgreSQL: the driver's return page racing Stripe's
webhook marks it held once; cancelling the entry racing staff settling it reaches Stripe once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from events.gateways import stripe
from events.models import AuditLog, Deposit, Entry
from events.services.deposits import (
    capture_deposit,
    check_return,
    release_deposit,
    request_card_deposit,
)
from events.services.registration import cancel_entry
from events.services.webhooks import handle_stripe_event

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("english")]


@pytest.fixture
def card_link(
    transactional_db: None, deposit_entry: Any, staff_member: Any, fake_stripe: Any
) -> Deposit:
    return request_card_deposit(entry_id=deposit_entry.pk, actor=staff_member)


def test_return_pages_and_webhooks_at_once_mark_the_deposit_held_once(
    card_link: Deposit, fake_stripe: Any, race: Any
) -> None:
    authorised = fake_stripe.authorise(card_link.stripe_session_id)
    entry = Entry.objects.get(pk=card_link.entry_id)

    def webhook(n: int) -> Any:
        return lambda: handle_stripe_event(
            stripe.WebhookEvent(
                id=f"{authorised['id']}_{n}",
                type=authorised["type"],
                object=authorised["data"]["object"],
            )
        )

    def page() -> Any:
        return check_return(entry=entry, session_id=card_link.stripe_session_id)

    results = race([webhook(1), page, webhook(2), page])

    assert not [r for r in results if isinstance(r, str)], results
    card_link.refresh_from_db()
    assert card_link.status == Deposit.Status.HELD
    assert AuditLog.objects.filter(entry=entry, action="deposit_authorised").count() == 1
    assert fake_stripe.calls("POST", "/v1/payment_intents/") == []


def test_cancelling_the_entry_while_staff_settle_reaches_stripe_once(
    card_link: Deposit, staff_member: Any, fake_stripe: Any, post_webhook: Any, race: Any
) -> None:
    assert post_webhook(fake_stripe.authorise(card_link.stripe_session_id)).status_code == 200
    mail.outbox.clear()

    results = race(
        [
            lambda: cancel_entry(entry_id=card_link.entry_id, actor=staff_member, by_staff=True),
            lambda: release_deposit(deposit_id=card_link.pk, actor=staff_member),
            lambda: capture_deposit(
                deposit_id=card_link.pk, amount_minor=10000, note="Wing", actor=staff_member
            ),
            lambda: release_deposit(deposit_id=card_link.pk, actor=staff_member),
        ]
    )

    assert sum(isinstance(r, Entry) for r in results) == 1, results
    assert Entry.objects.get(pk=card_link.entry_id).status == Entry.Status.CANCELLED
    assert len(fake_stripe.calls("POST", "/v1/payment_intents/")) == 1
    card_link.refresh_from_db()
    assert card_link.status in (Deposit.Status.CAPTURED, Deposit.Status.RELEASED)
    intent = fake_stripe.payment_intents[card_link.stripe_payment_intent_id]
    assert card_link.captured_minor == intent["amount_received"]
    finished = AuditLog.objects.filter(
        entry_id=card_link.entry_id, action__in=["deposit_captured", "deposit_released"]
    )
    assert finished.count() == 1
    deposit_mails = [m for m in mail.outbox if m.subject.startswith("Damage deposit")]
    assert len(deposit_mails) == 1
