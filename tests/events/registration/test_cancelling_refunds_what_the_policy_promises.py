from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from events.models import AuditLog, Entry, Refund
from events.services.registration import cancel_entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.mark.parametrize(
    ("days_before", "refunded"),
    [(20, 80000), (14, 80000), (10, 40000), (3, 40000), (2, 0)],
)
def test_a_driver_gets_the_share_for_how_early_they_cancel(
    paid_entry: Any,
    fake_stripe: Any,
    django_capture_on_commit_callbacks: Any,
    days_before: int,
    refunded: int,
) -> None:
    entry, payment = paid_entry()
    # Noon, event time, that many calendar days before its start day: the policy counts days in
    # the event's zone, so "N days minus an hour" changed day when the suite ran near midnight.
    event = entry.event
    day = event.local(event.starts_at).date() - timedelta(days=days_before)
    moment = datetime.combine(day, time(12), tzinfo=ZoneInfo(event.time_zone))

    with (
        time_machine.travel(moment, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        cancel_entry(entry_id=entry.pk, actor=entry.driver)

    entry.refresh_from_db()
    payment.refresh_from_db()
    assert entry.status == Entry.Status.CANCELLED
    assert entry.place_number is None and entry.car_number is None
    assert fake_stripe.refunded_total(payment.stripe_payment_intent_id) == refunded
    assert payment.refunded_minor == refunded
    assert any("cancelled" in m.subject for m in mail.outbox)


def test_staff_cancelling_refunds_in_full_and_is_audited(
    paid_entry: Any, fake_stripe: Any, staff_member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    entry, payment = paid_entry()

    with (
        time_machine.travel(entry.event.starts_at - timedelta(days=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        cancel_entry(entry_id=entry.pk, actor=staff_member, by_staff=True, reason="no licence")

    assert fake_stripe.refunded_total(payment.stripe_payment_intent_id) == 80000
    row = AuditLog.objects.get(entry=entry, action="cancelled_by_staff")
    assert row.actor == staff_member
    assert row.detail == "no licence"
    assert Refund.objects.get(payment=payment).status == Refund.Status.SUCCEEDED


def test_a_refund_stripe_refuses_is_kept_for_a_retry_with_a_new_key(
    paid_entry: Any, fake_stripe: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from events.services.refunds import process_refund

    entry, payment = paid_entry()
    fake_stripe.fail_next("POST", "/v1/refunds", status=402, message="insufficient balance")

    with django_capture_on_commit_callbacks(execute=True):
        cancel_entry(entry_id=entry.pk, actor=entry.driver)
    refund = Refund.objects.get(payment=payment)
    assert refund.status == Refund.Status.FAILED
    assert "insufficient" in refund.failure

    process_refund(refund_id=refund.pk)

    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    keys = [c.idempotency_key for c in fake_stripe.calls("POST", "/v1/refunds")]
    assert keys == [f"paddock-refund-{refund.pk}-0", f"paddock-refund-{refund.pk}-1"]
    assert fake_stripe.refunded_total(payment.stripe_payment_intent_id) == refund.amount_minor


def test_a_driver_cannot_cancel_someone_elses_entry(paid_entry: Any, outsider: Any) -> None:
    entry, _payment = paid_entry()

    with pytest.raises(Exception, match="not your entry"):
        cancel_entry(entry_id=entry.pk, actor=outsider)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.CONFIRMED
