"""Refunding payments through Stripe, after the commit that decided them, each refund once.

Stripe is called outside any transaction or lock (a slow network must not hold the event lock);
the refund row is written before the call (so the idempotency key exists) and after it.
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.utils import timezone

from events.engine import money
from events.gateways import stripe
from events.models import Payment, Refund
from events.services.audit import audit
from events.services.locking import lock_event
from events.services.notifications import email_after_commit

logger = logging.getLogger(__name__)


# --- refunds ------------------------------------------------------------------------------------


def process_refund(*, refund_id: int) -> Refund:
    """Send one refund to Stripe (or mark it for the organizer to pay back in person)."""
    refund = Refund.objects.select_related("payment", "payment__entry").get(pk=refund_id)
    if refund.status == Refund.Status.SUCCEEDED:
        return refund
    payment = refund.payment
    if payment.method == Payment.Method.AT_TRACK or not payment.stripe_payment_intent_id:
        return _finish_refund(refund.pk, stripe_id=None, manual=True)
    try:
        result = stripe.create_refund(
            payment_intent_id=payment.stripe_payment_intent_id,
            amount_minor=refund.amount_minor,
            idempotency_key=refund.idempotency_key,
            refund_id=refund.pk,
        )
    except stripe.PaymentProviderError as exc:
        with transaction.atomic():
            lock_event(payment.entry.event_id)
            refund = (
                Refund.objects.select_for_update()
                .select_related("payment__entry")
                .get(pk=refund_id)
            )
            previous = refund.status
            refund.status = Refund.Status.FAILED
            refund.failure = exc.detail[:2000]
            if exc.definitive:
                refund.attempts += 1
            refund.save(update_fields=["status", "failure", "attempts"])
            audit(
                entry=refund.payment.entry,
                payment=refund.payment,
                action="refund_failed",
                from_status=previous,
                to_status=refund.status,
                detail=exc.detail[:500],
            )
        return refund
    return _finish_refund(refund.pk, stripe_id=result.id, manual=False)


def _finish_refund(refund_id: int, *, stripe_id: str | None, manual: bool) -> Refund:
    with transaction.atomic():
        refund = Refund.objects.select_related("payment__entry").get(pk=refund_id)
        lock_event(refund.payment.entry.event_id)
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        payment = (
            Payment.objects.select_for_update().select_related("entry").get(pk=refund.payment_id)
        )
        if refund.status == Refund.Status.SUCCEEDED:
            return refund
        previous = refund.status
        refund.status = Refund.Status.SUCCEEDED
        refund.stripe_refund_id = stripe_id
        refund.completed_at = timezone.now()
        refund.failure = ""
        refund.save(update_fields=["status", "stripe_refund_id", "completed_at", "failure"])
        payment.refunded_minor += refund.amount_minor
        payment.save(update_fields=["refunded_minor"])
        audit(
            entry=payment.entry,
            payment=payment,
            action="refund_to_pay_in_person" if manual else "refund_succeeded",
            from_status=previous,
            to_status=refund.status,
            detail=f"{refund.amount_minor} {payment.currency}",
        )
        email_after_commit(
            payment.entry,
            "refund",
            amount=money.from_minor_units(refund.amount_minor, payment.currency),
            manual=manual,
        )
    return refund


def _process_refunds(refund_ids: list[int]) -> None:
    for refund_id in refund_ids:
        try:
            process_refund(refund_id=refund_id)
        except Exception:
            # One refund's trouble must not stop the others; it stays pending/failed for a retry.
            logger.exception("refund %s could not be processed", refund_id)


def process_refunds_after_commit(refund_ids: list[int]) -> None:
    if refund_ids:
        transaction.on_commit(partial(_process_refunds, list(refund_ids)))
