"""Paying for entries with Stripe Checkout, confirming payments once, and refunding.

Stripe is called outside any transaction or lock (a slow network must not hold the event lock);
the rows are written before the call (so the idempotency key exists) and after it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events import payments
from events.exceptions import PaymentFlowError
from events.models import Entry, Event, Payment, Refund, StripeEvent
from events.notifications import email_after_commit
from events.services.audit import audit, change_status, lock_event
from events.services.entries import free_place_numbers, pick_car_number, release_lapsed

logger = logging.getLogger(__name__)


# --- Checkout -----------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.PADDOCK_SITE_URL.rstrip("/") + path


def start_checkout(*, entry_id: int, driver: object, now: datetime | None = None) -> Payment:
    """Return the entry's open Stripe payment, creating it and its Checkout Session if needed."""
    now = now or timezone.now()
    with transaction.atomic():
        event_id = Entry.objects.values_list("event_id", flat=True).get(pk=entry_id)
        event = lock_event(event_id)
        entry = Entry.objects.select_for_update().select_related("entry_class").get(pk=entry_id)
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
        expires_at = payments.checkout_expiry(
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
        request = payments.CheckoutRequest(
            payment_id=payment.pk,
            entry_id=entry.pk,
            amount_minor=payment.amount_minor,
            currency=payment.currency,
            description=f"{event.title} · {entry.entry_class.name}",
            customer_email=entry.driver.email,
            language=entry.language,
            success_url=_absolute(reverse("events:entry-paid", kwargs={"pk": entry.pk}))
            + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=_absolute(entry.get_absolute_url()),
            expires_at=expires_at,
            idempotency_key=payment.idempotency_key,
        )
    try:
        session = payments.create_checkout_session(request)
    except payments.PaymentProviderError as exc:
        if exc.definitive:
            # Stripe keeps its answer for this key: the next try needs a new payment row.
            _fail_payment(payment.pk, detail=exc.detail)
        raise PaymentFlowError(str(exc)) from exc
    with transaction.atomic():
        Payment.objects.filter(pk=payment.pk, stripe_session_id__isnull=True).update(
            stripe_session_id=session.id, checkout_url=session.url
        )
    payment.refresh_from_db()
    return payment


def _fail_payment(payment_id: int, *, detail: str, status: str = Payment.Status.FAILED) -> None:
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
                payments.expire_checkout_session(session_id)
            except payments.PaymentProviderError:
                # Already completed or expired: a late payment is refunded when it arrives.
                logger.warning("could not expire Checkout Session %s", session_id)

    if session_ids:
        transaction.on_commit(expire)


# --- confirmation -------------------------------------------------------------------------------


def confirm_payment(
    *, payment_id: int, session: payments.CheckoutSession, now: datetime | None = None
) -> Payment:
    """Record a paid Checkout Session and confirm its entry, exactly once.

    The webhook and the return page both call this, possibly at the same moment and more than
    once: the payment row is locked and its state re-checked, so only the first call changes
    anything (and sends the e-mail).
    """
    now = now or timezone.now()
    with transaction.atomic():
        event_id = Payment.objects.values_list("entry__event_id", flat=True).get(pk=payment_id)
        event = lock_event(event_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status == Payment.Status.SUCCEEDED or session.id != payment.stripe_session_id:
            # Paid already, or not the session we made for this payment: nothing to confirm.
            return payment
        entry = (
            Entry.objects.select_for_update().select_related("entry_class").get(pk=payment.entry_id)
        )
        entry.event = event
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
    *, session: payments.CheckoutSession, now: datetime | None = None
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
        session = payments.retrieve_checkout_session(session_id)
    except payments.PaymentProviderError as exc:
        raise PaymentFlowError(str(exc)) from exc
    if session.is_paid:
        return confirm_payment(payment_id=payment.pk, session=session)
    return payment


# --- webhooks -----------------------------------------------------------------------------------


def handle_stripe_event(event: payments.WebhookEvent) -> bool:
    """Apply a verified Stripe event once. Returns False if this event id was seen before.

    The event row and its effects commit together: if handling fails (a lock timeout), neither
    is stored and Stripe's retry is handled afresh.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(event_id=event.id, type=event.type, payload=event.object)
        except IntegrityError:
            return False
        # Imported here: the deposits service builds on this module's helpers.
        from events.services import deposits

        if event.type in (
            "checkout.session.completed",
            "checkout.session.async_payment_succeeded",
        ):
            confirm_checkout_session(session=payments.session_from_event(event))
        elif event.type == "payment_intent.amount_capturable_updated":
            # A damage deposit authorised on a card (manual capture).
            deposits.record_authorisation(payments.authorisation_from_event(event))
        elif event.type == "payment_intent.canceled":
            # A deposit's authorisation lapsed or was cancelled at Stripe.
            deposits.record_cancellation(payments.authorisation_from_event(event))
        elif event.type in ("checkout.session.expired", "checkout.session.async_payment_failed"):
            session = payments.session_from_event(event)
            payment = Payment.objects.filter(stripe_session_id=session.id).first()
            if payment is None:
                deposits.expire_request(session)
            else:
                status = (
                    Payment.Status.EXPIRED
                    if event.type.endswith("expired")
                    else Payment.Status.FAILED
                )
                _fail_payment(payment.pk, detail=event.type, status=status)
        elif event.type == "charge.refunded":
            _record_external_refunds(payments.charge_refunds_from_event(event))
    return True


def _record_external_refunds(charge: payments.ChargeRefunds) -> None:
    """A refund made in Stripe's dashboard: record it so our books match Stripe's."""
    intent_id = charge.payment_intent_id
    refunded = charge.amount_refunded
    payment = (
        Payment.objects.filter(stripe_payment_intent_id=intent_id).first() if intent_id else None
    )
    if payment is None:
        return
    lock_event(payment.entry.event_id)
    payment = Payment.objects.select_for_update().select_related("entry").get(pk=payment.pk)
    known = payment.refunded_minor + sum(
        r.amount_minor for r in payment.refunds.filter(status=Refund.Status.PENDING)
    )
    if refunded <= known:
        return
    refund = Refund.objects.create(
        payment=payment,
        amount_minor=refunded - known,
        reason=Refund.Reason.EXTERNAL,
        status=Refund.Status.SUCCEEDED,
        completed_at=timezone.now(),
    )
    payment.refunded_minor += refund.amount_minor
    payment.save(update_fields=["refunded_minor"])
    audit(
        entry=payment.entry,
        payment=payment,
        action="refund_recorded",
        to_status=refund.status,
        detail=f"{refund.amount_minor} {payment.currency}",
    )


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
        result = payments.create_refund(
            payment_intent_id=payment.stripe_payment_intent_id,
            amount_minor=refund.amount_minor,
            idempotency_key=refund.idempotency_key,
            refund_id=refund.pk,
        )
    except payments.PaymentProviderError as exc:
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
            amount=payments.from_minor_units(refund.amount_minor, payment.currency),
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


# --- event cancellation -------------------------------------------------------------------------


@dataclass
class CancellationSummary:
    entries_cancelled: int = 0
    refunded: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    # Card deposits released at Stripe, those still waiting for it, and cash to hand back.
    deposits_released: int = 0
    deposits_waiting: list[int] = field(default_factory=list)
    cash_deposits: int = 0


def refund_cancelled_event(*, event_id: int, actor: object = None) -> CancellationSummary:
    """Cancel every active entry of a cancelled event and refund every payment in full.

    Safe to run again: entries already cancelled and refunds already made are skipped (one
    event-cancellation refund per payment is a database constraint), failed refunds are retried.
    Card deposits are released at Stripe the same way (one left waiting is sent again); cash
    deposits are counted for staff to hand back.
    """
    from events.services import deposits

    summary = CancellationSummary()
    with transaction.atomic():
        event = lock_event(event_id)
        if event.status != Event.Status.CANCELLED:
            raise PaymentFlowError(_("Only a cancelled event's entries are refunded this way."))
        sessions: list[str] = []
        for entry in Entry.objects.select_for_update().filter(
            event=event, status__in=Entry.ACTIVE_STATUSES
        ):
            entry.place_number = None
            entry.car_number = None
            entry.expires_at = None
            entry.cancelled_at = timezone.now()
            entry.cancellation_reason = event.cancellation_reason[:300]
            change_status(entry, Entry.Status.CANCELLED, action="event_cancelled", actor=actor)
            deposit = deposits.release_for_cancellation(
                entry, actor=actor, reason="event_cancelled"
            )
            email_after_commit(entry, "event_cancelled", **deposit.email_context())
            for payment in entry.payments.select_for_update().filter(status=Payment.Status.PENDING):
                payment.status = Payment.Status.CANCELLED
                payment.save(update_fields=["status"])
                audit(
                    entry=entry, payment=payment, action="payment_cancelled", to_status="cancelled"
                )
                if payment.stripe_session_id:
                    sessions.append(payment.stripe_session_id)
            summary.entries_cancelled += 1
        for payment in (
            Payment.objects.select_for_update()
            .filter(entry__event=event, status=Payment.Status.SUCCEEDED)
            .exclude(refunds__reason=Refund.Reason.EVENT_CANCELLED)
        ):
            if payment.refundable_minor <= 0:
                continue
            refund = Refund.objects.create(
                payment=payment,
                amount_minor=payment.refundable_minor,
                reason=Refund.Reason.EVENT_CANCELLED,
            )
            audit(
                entry=payment.entry,
                payment=payment,
                action="refund_requested",
                to_status=refund.status,
                detail=str(refund.get_reason_display()),
            )
        expire_sessions_after_commit(sessions)
        releases = deposits.releases_of_cancelled_event(event_id, actor=actor)
    todo = Refund.objects.filter(
        payment__entry__event_id=event_id,
        reason=Refund.Reason.EVENT_CANCELLED,
        status__in=[Refund.Status.PENDING, Refund.Status.FAILED],
    ).values_list("pk", flat=True)
    for refund_id in list(todo):
        try:
            refund = process_refund(refund_id=refund_id)
        except Exception:
            logger.exception("refund %s could not be processed", refund_id)
            summary.failed.append(refund_id)
            continue
        (summary.refunded if refund.status == Refund.Status.SUCCEEDED else summary.failed).append(
            refund_id
        )
    summary.deposits_waiting = deposits.release_at_stripe(releases)
    summary.deposits_released = len(releases) - len(summary.deposits_waiting)
    summary.cash_deposits = deposits.cash_to_hand_back(event_id)
    return summary


def refund_cancelled_event_after_commit(*, event_id: int) -> None:
    def run() -> None:
        try:
            summary = refund_cancelled_event(event_id=event_id)
        except Exception:
            logger.exception(
                "refunding cancelled event %s failed; run refund_cancelled_event", event_id
            )
            return
        if summary.failed or summary.deposits_waiting:
            logger.warning(
                "cancelled event %s: %s refunds and %s deposit releases failed; "
                "run refund_cancelled_event to retry",
                event_id,
                len(summary.failed),
                len(summary.deposits_waiting),
            )

    transaction.on_commit(run)
