from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Entry, Event, Refund
from events.services.cancellation import refund_cancelled_event

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def cancel(event: Event) -> None:
    Event.objects.filter(pk=event.pk).update(
        status=Event.Status.CANCELLED, cancellation_reason="typhoon", cancelled_at=timezone.now()
    )


def test_every_paid_entry_is_refunded_past_a_single_failure_and_the_rest_resumes(
    event: Any, paid_entry: Any, drivers: Any, fake_stripe: Any, register: Any
) -> None:
    paid = [paid_entry(who) for who in drivers(3)]
    (unpaid_driver,) = drivers(1, prefix="unpaid")
    unpaid = register(unpaid_driver, event.entry_classes.get())
    cancel(event)
    fake_stripe.fail_next("POST", "/v1/refunds", status=500, message="stripe is down")

    first = refund_cancelled_event(event_id=event.pk)

    assert first.entries_cancelled == 4
    assert len(first.refunded) == 2
    assert len(first.failed) == 1
    assert Entry.objects.filter(event=event).exclude(status=Entry.Status.CANCELLED).count() == 0
    unpaid.refresh_from_db()
    assert unpaid.status == Entry.Status.CANCELLED

    call_command("refund_cancelled_event", event.slug)

    assert Refund.objects.filter(status=Refund.Status.SUCCEEDED).count() == 3
    for _entry, payment in paid:
        assert fake_stripe.refunded_total(payment.stripe_payment_intent_id) == 80000
    assert len(fake_stripe.refunds) == 3


def test_running_it_again_refunds_nothing_twice(
    event: Any, paid_entry: Any, fake_stripe: Any
) -> None:
    paid_entry()
    cancel(event)

    refund_cancelled_event(event_id=event.pk)
    again = refund_cancelled_event(event_id=event.pk)

    assert again.entries_cancelled == 0
    assert again.refunded == [] and again.failed == []
    assert len(fake_stripe.refunds) == 1


def test_an_event_that_is_not_cancelled_is_not_refunded(event: Any, paid_entry: Any) -> None:
    paid_entry()

    with pytest.raises(Exception, match="cancelled event"):
        refund_cancelled_event(event_id=event.pk)


def test_the_organizer_cancelling_the_event_starts_the_refunds(
    event: Any, paid_entry: Any, fake_stripe: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from events.services.events import cancel_event

    entry, payment = paid_entry()

    with django_capture_on_commit_callbacks(execute=True):
        cancel_event(event=event, reason="Typhoon warning")

    entry.refresh_from_db()
    assert entry.status == Entry.Status.CANCELLED
    assert fake_stripe.refunded_total(payment.stripe_payment_intent_id) == 80000
