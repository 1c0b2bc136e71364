"""Cancelling an event refunds every payment through the provider that took it, past a provider
outage, and running it again refunds nothing twice (Stripe, WeChat Pay, Alipay alike)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from events.models import Event, Refund
from events.services.cancellation import refund_cancelled_event

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_every_payment_is_refunded_once_past_an_outage(
    pay_through: Any,
    event: Any,
    drivers: Any,
    register: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    payments = []
    for who in drivers(2):
        entry = register(who, event.entry_classes.get())
        payment = pay_through.start(entry, who)
        with django_capture_on_commit_callbacks(execute=True):
            assert pay_through.accepted(pay_through.deliver(pay_through.pay(payment)))
        payments.append(payment)
    Event.objects.filter(pk=event.pk).update(
        status=Event.Status.CANCELLED, cancellation_reason="typhoon", cancelled_at=timezone.now()
    )
    pay_through.outage()

    first = refund_cancelled_event(event_id=event.pk)

    assert first.entries_cancelled == 2
    assert len(first.failed) == 1
    again = refund_cancelled_event(event_id=event.pk)
    assert again.failed == []
    if pay_through.name == "wechatpay":
        # Accepted and paid out later: each refund notification finishes one.
        assert len(first.processing) + len(again.processing) >= 2
        for refund in Refund.objects.filter(status=Refund.Status.PENDING):
            settled = pay_through.fake.settle_refund(refund.idempotency_key)
            with django_capture_on_commit_callbacks(execute=True):
                assert pay_through.accepted(pay_through.deliver(settled))
    assert Refund.objects.filter(status=Refund.Status.SUCCEEDED).count() == 2
    for payment in payments:
        payment.refresh_from_db()
        assert pay_through.refunded_total(payment) == 80000
        assert payment.refunded_minor == 80000
    assert refund_cancelled_event(event_id=event.pk).refunded == []
