"""Paying for entries with Stripe Checkout: starting a session, confirming a payment once (from
the webhook or the return page), failing or expiring it; refunds are in refunds.py."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.exceptions import PaymentFlowError
from events.gateways import stripe
from events.models import Entry, Event, Payment, Refund
from events.services.audit import audit, change_status
from events.services.locking import lock_entry, lock_event
from events.services.notifications import email_after_commit
from events.services.places import free_place_numbers, pick_car_number, release_lapsed
from events.services.refunds import process_refunds_after_commit

logger = logging.getLogger(__name__)


# --- Checkout -----------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    return settings.PADDOCK_SITE_URL.rstrip("/") + path


def start_checkout(*, entry_id: int, driver: object, now: datetime | None = None) -> Payment:
    """Return the entry's open Stripe payment, creating it and its Checkout Session if needed."""
    now = now or timezone.now()
    with transaction.atomic():
        event, entry = lock_entry(entry_id)
        if entry.driver_id != getattr(driver, "pk", None):
            raise PaymentFlowError(_("This is not your entry."))
        if entry.status != Entry.Status.HELD or entry.hold_expired(now):
            raise PaymentFlowError(_("This entry is not waiting for payment."))
        payment = entry.payments.filter(
            method=Payment.Method.STRIPE, status=Payment.Status.PENDING
        ).first()
        if payment is not None and payment.checkout_url:
            return payment
        if payment is None:
            payment = Payment.objects.create(
                entry=entry,
                method=Payment.Method.STRIPE,
                amount_minor=entry.fee_minor,
                currency=entry.currency,
                created_at=now,
            )
            audit(entry=entry, payment=payment, action="payment_started", to_status="pending")
        assert entry.expires_at is not None
        # From the payment's own start, not from now: when an earlier try got no answer, Stripe
        # may hold a session for this idempotency key, and a retry with different parameters
        # (a later expiry) is refused instead of returning that session.
        expires_at = stripe.checkout_expiry(
            hold_expires_at=entry.expires_at, now=payment.created_at
        )
        if expires_at > entry.expires_at:
            # Stripe's minimum session lifetime is longer than what is left of the hold: keep the
            # place for as long as the session can be paid, so a payment never finds it gone.
            audit(
                entry=entry,
                action="hold_extended",
                detail=f"{entry.expires_at.isoformat()} → {expires_at.isoformat()}",
            )
            entry.expires_at = expires_at
            entry.save(update_fields=["expires_at"])
        request = stripe.CheckoutRequest(
            payment_id=payment.pk,
            entry_id=entry.pk,
            amount_minor=payment.amount_minor,
            currency=payment.currency,
            description=f"{event.title} · {entry.entry_class.name}",
            customer_email=entry.driver.email,
            language=entry.language,
            success_url=absolute_url(reverse("events:entry-paid", kwargs={"pk": entry.pk}))
            + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=absolute_url(entry.get_absolute_url()),
            expires_at=expires_at,
            idempotency_key=payment.idempotency_key,
        )
    try:
        session = stripe.create_checkout_session(request)
    except stripe.PaymentProviderError as exc:
        if exc.definitive:
            # Stripe keeps its answer for this key: the next try needs a new payment row.
            fail_payment(payment.pk, detail=exc.detail)
        raise PaymentFlowError(str(exc)) from exc
    with transaction.atomic():
        Payment.objects.filter(pk=payment.pk, stripe_session_id__isnull=True).update(
            stripe_session_id=session.id, checkout_url=session.url
        )
    payment.refresh_from_db()
    return payment


def fail_payment(payment_id: int, *, detail: str, status: str = Payment.Status.FAILED) -> None:
    with transaction.atomic():
        payment = Payment.objects.select_related("entry").get(pk=payment_id)
        lock_event(payment.entry.event_id)
        payment = Payment.objects.select_for_update().select_related("entry").get(pk=payment_id)
        if payment.status != Payment.Status.PENDING:
            return
        previous = payment.status
        payment.status = status
        payment.save(update_fields=["status"])
        audit(
            entry=payment.entry,
            payment=payment,
            action=f"payment_{status}",
            from_status=previous,
            to_status=status,
            detail=detail[:500],
        )


def expire_sessions_after_commit(session_ids: list[str]) -> None:
    def expire() -> None:
        for session_id in session_ids:
            try:
                stripe.expire_checkout_session(session_id)
            except stripe.PaymentProviderError:
                # Already completed or expired: a late payment is refunded when it arrives.
                logger.warning("could not expire Checkout Session %s", session_id)

    if session_ids:
        transaction.on_commit(expire)


# --- confirmation -------------------------------------------------------------------------------


def confirm_payment(
    *, payment_id: int, session: stripe.CheckoutSession, now: datetime | None = None
) -> Payment:
    """Record a paid Checkout Session and confirm its entry, exactly once.

    The webhook and the return page both call this, possibly at the same moment and more than
    once: the payment row is locked and its state re-checked, so only the first call changes
    anything (and sends the e-mail).
    """
    now = now or timezone.now()
    with transaction.atomic():
        entry_id = Payment.objects.values_list("entry_id", flat=True).get(pk=payment_id)
        event, entry = lock_entry(entry_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status == Payment.Status.SUCCEEDED or session.id != payment.stripe_session_id:
            # Paid already, or not the session we made for this payment: nothing to confirm.
            return payment
        if (session.amount_total, session.currency) != (payment.amount_minor, payment.currency):
            audit(
                entry=entry,
                payment=payment,
                action="payment_mismatch",
                detail=f"Stripe: {session.amount_total} {session.currency}",
            )
            return payment
        previous = payment.status
        payment.status = Payment.Status.SUCCEEDED
        payment.paid_at = now
        payment.stripe_payment_intent_id = session.payment_intent_id or ""
        payment.save(update_fields=["status", "paid_at", "stripe_payment_intent_id"])
        audit(
            entry=entry,
            payment=payment,
            action="payment_succeeded",
            from_status=previous,
            to_status=payment.status,
            detail=session.id,
        )
        _place_paid_entry(entry, payment, event=event, now=now)
    return payment


def _place_paid_entry(entry: Entry, payment: Payment, *, event: Event, now: datetime) -> None:
    if entry.status == Entry.Status.HELD:
        # Still holding its place number, even if the hold lapsed a moment ago: nobody else can
        # have that place until a writer releases it, and we hold the lock.
        entry.expires_at = None
        entry.confirmed_at = now
        change_status(entry, Entry.Status.CONFIRMED, action="confirmed")
        email_after_commit(entry, "confirmation")
        return
    if entry.status == Entry.Status.EXPIRED:
        release_lapsed(event=event, now=now)
        free = free_place_numbers(entry_class=entry.entry_class)
        if free:
            entry.place_number = free[0]
            entry.car_number = pick_car_number(
                entry_class=entry.entry_class, preferred=entry.preferred_car_number
            )
            entry.expires_at = None
            entry.confirmed_at = now
            change_status(
                entry, Entry.Status.CONFIRMED, action="confirmed", detail="paid after the hold"
            )
            email_after_commit(entry, "confirmation")
            return
    reason = (
        Refund.Reason.DUPLICATE_PAYMENT
        if entry.status == Entry.Status.CONFIRMED
        else Refund.Reason.LATE_PAYMENT
    )
    refund = Refund.objects.create(
        payment=payment, amount_minor=payment.amount_minor, reason=reason
    )
    audit(
        entry=entry,
        payment=payment,
        action="refund_requested",
        to_status=refund.status,
        detail=str(refund.get_reason_display()),
    )
    email_after_commit(entry, "late_payment_refund")
    process_refunds_after_commit([refund.pk])


def confirm_checkout_session(
    *, session: stripe.CheckoutSession, now: datetime | None = None
) -> Payment | None:
    """Confirm the payment whose Checkout Session this is, and only a session we created for it.

    The payment is found by the session id stored when we created the session, never by the
    metadata alone: metadata names a payment but proves nothing, since any session on the same
    Stripe account (another site, a test environment, a payment link made by hand) can carry
    any metadata. Metadata that names another payment or entry than the stored session's is
    refused as well.
    """
    payment = Payment.objects.filter(stripe_session_id=session.id).first()
    if payment is None:
        if session.payment_id is not None:
            logger.warning(
                "Checkout Session %s names payment %s but is not the session made for it",
                session.id,
                session.payment_id,
            )
        return None
    if (session.payment_id, session.entry_id) != (payment.pk, payment.entry_id):
        logger.warning(
            "Checkout Session %s names payment %s of entry %s, but it belongs to payment %s",
            session.id,
            session.payment_id,
            session.entry_id,
            payment.pk,
        )
        return None
    if not session.is_paid:
        return payment
    return confirm_payment(payment_id=payment.pk, session=session, now=now)


def check_return(*, entry: Entry, session_id: str) -> Payment:
    """The driver is back from Checkout: ask Stripe rather than trust the redirect."""
    payment = entry.payments.filter(stripe_session_id=session_id).first()
    if payment is None:
        raise PaymentFlowError(_("This payment does not belong to this entry."))
    if payment.status != Payment.Status.PENDING:
        return payment
    try:
        session = stripe.retrieve_checkout_session(session_id)
    except stripe.PaymentProviderError as exc:
        raise PaymentFlowError(str(exc)) from exc
    if session.is_paid:
        return confirm_payment(payment_id=payment.pk, session=session)
    return payment
