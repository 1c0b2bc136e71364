"""Refunding payments through their provider, after the commit that decided them, each refund
once.

The provider is called outside any transaction or lock (a slow network must not hold the event
lock); the refund row is written before the call (so the idempotency key, our refund number,
exists) and after it. Stripe and Alipay answer at once; WeChat Pay usually answers "processing"
and tells the outcome in a refund notification (`record_refund_outcome`).
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.engine import money
from events.gateways.base import PaymentProviderError, RefundOutcome
from events.models import Payment, Refund
from events.services.audit import audit
from events.services.fapiao import note_refund
from events.services.locking import lock_event
from events.services.merchants import absolute_url, provider_for_payment
from events.services.notifications import email_after_commit

logger = logging.getLogger(__name__)


# --- refunds ------------------------------------------------------------------------------------


def process_refund(*, refund_id: int) -> Refund:
    """Send one refund to its provider (or mark it for the organizer to pay back in person)."""
    refund = Refund.objects.select_related("payment", "payment__entry", "payment__merchant").get(
        pk=refund_id
    )
    if refund.status == Refund.Status.SUCCEEDED:
        return refund
    payment = refund.payment
    # What the provider knows the paid order by: Stripe refunds a PaymentIntent, WeChat Pay and
    # Alipay an order number, once their transaction is recorded.
    reference = (
        payment.stripe_payment_intent_id
        if payment.method == Payment.Method.STRIPE
        else (payment.provider_reference if payment.provider_transaction_id else "")
    )
    if payment.method == Payment.Method.AT_TRACK or not reference:
        return _finish_refund(refund.pk, provider_id=None, manual=True)
    try:
        provider = provider_for_payment(payment)
        outcome = provider.refund(
            reference=reference,
            refund_reference=refund.idempotency_key,
            amount_minor=refund.amount_minor,
            total_minor=payment.amount_minor,
            notify_url=absolute_url(payment.merchant.notify_url()) if payment.merchant else "",
            refund_id=refund.pk,
        )
        if outcome.status == "failed":
            raise PaymentProviderError(
                _("The payment service refused the refund."), detail=f"refund {outcome.id} failed"
            )
    except PaymentProviderError as exc:
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
    if outcome.status == "pending":
        # Accepted, paid out later: the refund notification (or a later retry, which the same
        # refund number makes harmless) finishes it.
        Refund.objects.filter(pk=refund.pk).exclude(status=Refund.Status.SUCCEEDED).update(
            provider_refund_id=outcome.id, status=Refund.Status.PENDING, failure=""
        )
        refund.refresh_from_db()
        return refund
    return _finish_refund(refund.pk, provider_id=outcome.id, manual=False)


def record_refund_outcome(outcome: RefundOutcome, *, merchant_id: int) -> Refund | None:
    """A refund notification: finish the refund it names, or mark it failed for a retry."""
    prefix, _sep, rest = outcome.reference.partition("paddock-refund-")
    refund_pk = rest.split("-")[0]
    if prefix or not refund_pk.isdigit():
        return None
    refund = Refund.objects.select_related("payment__entry").filter(pk=int(refund_pk)).first()
    if (
        refund is None
        or refund.idempotency_key != outcome.reference
        or refund.payment.merchant_id != merchant_id
    ):
        return None
    if outcome.status == "succeeded":
        return _finish_refund(refund.pk, provider_id=outcome.id, manual=False)
    if outcome.status == "failed" and refund.status == Refund.Status.PENDING:
        lock_event(refund.payment.entry.event_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        refund.status = Refund.Status.FAILED
        refund.failure = f"refund {outcome.id} failed at the provider"
        # The provider closed this refund number: a retry must use a new one.
        refund.attempts += 1
        refund.save(update_fields=["status", "failure", "attempts"])
        audit(
            entry=refund.payment.entry,
            payment=refund.payment,
            action="refund_failed",
            from_status=Refund.Status.PENDING,
            to_status=refund.status,
            detail=refund.failure,
        )
    return refund


def _finish_refund(refund_id: int, *, provider_id: str | None, manual: bool) -> Refund:
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
        if payment.method == Payment.Method.STRIPE:
            refund.stripe_refund_id = provider_id
        else:
            refund.provider_refund_id = provider_id or ""
        refund.completed_at = timezone.now()
        refund.failure = ""
        refund.save(
            update_fields=[
                "status",
                "stripe_refund_id",
                "provider_refund_id",
                "completed_at",
                "failure",
            ]
        )
        payment.refunded_minor += refund.amount_minor
        payment.save(update_fields=["refunded_minor"])
        note_refund(
            entry=payment.entry,
            amount_minor=refund.amount_minor,
            fully_refunded=not any(
                p.refundable_minor for p in payment.entry.payments.all() if p.pk != payment.pk
            )
            and payment.refundable_minor == 0,
        )
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
