from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from events.models import Entry, Refund
from events.services.checkout import start_checkout

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_late_payment_for_a_place_given_away_is_refunded_and_the_driver_told(
    make_entry_class: Any,
    event: Any,
    drivers: Any,
    register: Any,
    fake_stripe: Any,
    post_webhook: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry_class = make_entry_class(event, name="Solo", capacity=1)
    slow, quick = drivers(2)
    entry = register(slow, entry_class)
    payment = start_checkout(entry_id=entry.pk, driver=slow)
    completed = fake_stripe.pay(payment.stripe_session_id)

    with time_machine.travel(timezone.now() + timedelta(minutes=40), tick=False):
        register(quick, entry_class)
        with django_capture_on_commit_callbacks(execute=True):
            assert post_webhook(completed).status_code == 200

    entry.refresh_from_db()
    assert entry.status == Entry.Status.EXPIRED
    refund = Refund.objects.get(payment=payment)
    assert refund.reason == Refund.Reason.LATE_PAYMENT
    assert refund.status == Refund.Status.SUCCEEDED
    assert fake_stripe.refunded_total(refund.payment.stripe_payment_intent_id) == 80000
    assert any("too late" in m.subject for m in mail.outbox if slow.email in m.to)


def test_a_late_payment_whose_place_is_still_free_confirms_the_entry(
    event: Any, driver: Any, register: Any, fake_stripe: Any, post_webhook: Any
) -> None:
    entry = register(driver, event.entry_classes.get())
    payment = start_checkout(entry_id=entry.pk, driver=driver)
    completed = fake_stripe.pay(payment.stripe_session_id)

    with time_machine.travel(timezone.now() + timedelta(minutes=40), tick=False):
        assert post_webhook(completed).status_code == 200

    entry.refresh_from_db()
    assert entry.status == Entry.Status.CONFIRMED
    assert not Refund.objects.exists()
