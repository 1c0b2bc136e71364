"""Staff double-clicking "keep for damage", or two of them at once: the deposit row is locked
and moved to SETTLING before Stripe is called, so exactly one capture reaches Stripe."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from events.models import AuditLog, Deposit
from events.services.deposits import (
    capture_deposit,
    hold_deposit_at_track,
    release_deposit,
)

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("english")]


@pytest.fixture
def card_deposit(transactional_db: None, authorised_deposit: Deposit) -> Deposit:
    assert authorised_deposit.status == Deposit.Status.HELD
    mail.outbox.clear()
    return authorised_deposit


def test_six_captures_and_releases_at_once_settle_the_card_deposit_once(
    card_deposit: Deposit, staff_member: Any, fake_stripe: Any, race: Any
) -> None:
    def capture(amount: int) -> Any:
        return lambda: capture_deposit(
            deposit_id=card_deposit.pk, amount_minor=amount, note="Wing", actor=staff_member
        )

    results = race(
        [capture(50000) for _ in range(3)]
        + [capture(150000), lambda: release_deposit(deposit_id=card_deposit.pk, actor=staff_member)]
        + [capture(200000)]
    )

    settled = [r for r in results if isinstance(r, Deposit)]
    assert len(settled) == 1
    assert all("already" in str(r) for r in results if not isinstance(r, Deposit)), results
    calls = fake_stripe.calls("POST", "/v1/payment_intents/")
    assert len(calls) == 1
    card_deposit.refresh_from_db()
    intent = fake_stripe.payment_intents[card_deposit.stripe_payment_intent_id]
    assert card_deposit.captured_minor == intent["amount_received"]
    assert card_deposit.status in (Deposit.Status.CAPTURED, Deposit.Status.RELEASED)
    finished = AuditLog.objects.filter(
        entry_id=card_deposit.entry_id, action__in=["deposit_captured", "deposit_released"]
    )
    assert finished.count() == 1
    assert len(mail.outbox) == 1


def test_two_staff_keeping_a_cash_deposit_at_once_keep_it_once(
    transactional_db: None,
    event: Any,
    driver: Any,
    register: Any,
    staff_member: Any,
    organizer: Any,
    settings: Any,
    race: Any,
) -> None:
    settings.STRIPE_SECRET_KEY = ""
    entry_class = event.entry_classes.get()
    entry_class.damage_deposit = Decimal("800.00")
    entry_class.save()
    entry = register(driver, entry_class)
    deposit = hold_deposit_at_track(entry_id=entry.pk, actor=staff_member)
    mail.outbox.clear()

    results = race(
        [
            lambda who=who: capture_deposit(
                deposit_id=deposit.pk, amount_minor=80000, note="Engine", actor=who
            )
            for who in (staff_member, organizer, staff_member, organizer)
        ]
    )

    assert sum(isinstance(r, Deposit) for r in results) == 1
    deposit.refresh_from_db()
    assert (deposit.status, deposit.captured_minor) == (Deposit.Status.CAPTURED, 80000)
    assert AuditLog.objects.filter(entry=entry, action="deposit_captured").count() == 1
    assert len(mail.outbox) == 1
