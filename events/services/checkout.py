"""Paying for entries online: starting an order (a Stripe Checkout Session, or a WeChat Pay or
Alipay order on the organizer's own account), confirming a payment once (from the notification
or the return page), failing or expiring it; refunds are in refunds.py."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.exceptions import PaymentFlowError
from events.gateways import signing, stripe
from events.gateways.base import Client, OrderRequest, OrderState, PaymentProviderError
from events.models import Entry, Event, Payment, Refund
from events.services.audit import audit, change_status
from events.services.locking import lock_entry, lock_event
from events.services.merchants import STRIPE, absolute_url, enabled_account, merchant_provider
from events.services.notifications import email_after_commit
from events.services.places import free_place_numbers, pick_car_number, release_lapsed
from events.services.refunds import process_refunds_after_commit

logger = logging.getLogger(__name__)


# --- Checkout -----------------------------------------------------------------------------------


def _payable(entry_id: int, driver: object, now: datetime) -> tuple[Event, Entry]:
    event, entry = lock_entry(entry_id)
    if entry.driver_id != getattr(driver, "pk", None):
        raise PaymentFlowError(_("This is not your entry."))
    if entry.status != Entry.Status.HELD or entry.hold_expired(now):
        raise PaymentFlowError(_("This entry is not waiting for payment."))
    return event, entry


def _cancel_other_orders(entry: Entry, *, keep: Payment | None) -> None:
    """The driver chose another provider (or another device): the open order is cancelled here
    and closed at its provider after commit. Should it be paid anyway, the payment is confirmed
    or, when the entry is paid already, refunded as paid twice."""
    for other in entry.payments.select_for_update().filter(status=Payment.Status.PENDING):
        if keep is not None and other.pk == keep.pk:
            continue
        other.status = Payment.Status.CANCELLED
        other.save(update_fields=["status"])
        audit(
            entry=entry,
            payment=other,
            action="payment_cancelled",
            from_status=Payment.Status.PENDING,
            to_status=other.status,
            detail=_("another way to pay was chosen"),
        )
        if other.method == Payment.Method.STRIPE and other.stripe_session_id:
            expire_sessions_after_commit([other.stripe_session_id])
        elif other.merchant_id and other.provider_reference:
            close_orders_after_commit([other.pk])


def start_checkout(
    *,
    entry_id: int,
    driver: object,
    now: datetime | None = None,
    provider: str = STRIPE,
    client: str = Client.DESKTOP,
    payer_ip: str = "127.0.0.1",
    openid: str = "",
) -> Payment:
    """Return the entry's open payment with `provider`, creating it and its order if needed.
    `openid`: the payer inside WeChat (JSAPI), from WeChat's sign-in."""
    if provider != STRIPE:
        return _start_order(
            entry_id=entry_id,
            driver=driver,
            now=now or timezone.now(),
            provider=provider,
            client=client,
            payer_ip=payer_ip,
            openid=openid,
        )
    now = now or timezone.now()
    with transaction.atomic():
        event, entry = _payable(entry_id, driver, now)
        payment = entry.payments.filter(
            method=Payment.Method.STRIPE, status=Payment.Status.PENDING
        ).first()
        if payment is not None and payment.checkout_url:
            return payment
        _cancel_other_orders(entry, keep=payment)
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


def _start_order(
    *,
    entry_id: int,
    driver: object,
    now: datetime,
    provider: str,
    client: str,
    payer_ip: str,
    openid: str,
) -> Payment:
    """A WeChat Pay or Alipay order on the organizer's own account, expiring with the hold."""
    with transaction.atomic():
        event, entry = _payable(entry_id, driver, now)
        account = enabled_account(event.organization_id, provider)
        if account is None or entry.currency.upper() != "CNY":
            raise PaymentFlowError(_("This way to pay is not offered for this entry."))
        payment = entry.payments.filter(
            method=provider, status=Payment.Status.PENDING, provider_client=client
        ).first()
        if payment is not None and payment.checkout_url:
            return payment
        _cancel_other_orders(entry, keep=payment)
        if payment is None:
            payment = Payment.objects.create(
                entry=entry,
                method=provider,
                merchant=account,
                provider_client=client,
                amount_minor=entry.fee_minor,
                currency=entry.currency,
                created_at=now,
            )
            # Our order number: unique here, and not guessable from another site's numbers on
            # the same merchant account (WeChat Pay: 6-32 letters and digits).
            payment.provider_reference = f"PDK{payment.pk}X{signing.nonce(10)}"
            payment.save(update_fields=["provider_reference"])
            audit(entry=entry, payment=payment, action="payment_started", to_status="pending")
        assert entry.expires_at is not None and payment.provider_reference
        paid_url = reverse("events:entry-paid", kwargs={"pk": entry.pk})
        request = OrderRequest(
            reference=payment.provider_reference,
            amount_minor=payment.amount_minor,
            currency=payment.currency,
            description=f"{event.title} · {entry.entry_class.name}",
            client=client,
            return_url=absolute_url(f"{paid_url}?payment={payment.pk}"),
            notify_url=absolute_url(account.notify_url()),
            expires_at=entry.expires_at,
            payer_ip=payer_ip,
            openid=openid,
        )
    try:
        order = merchant_provider(account).create_order(request)
    except PaymentProviderError as exc:
        if exc.definitive:
            fail_payment(payment.pk, detail=exc.detail)
        raise PaymentFlowError(str(exc)) from exc
    with transaction.atomic():
        Payment.objects.filter(pk=payment.pk, checkout_url="").update(checkout_url=order.url)
    payment.refresh_from_db()
    return payment


def close_orders_after_commit(payment_ids: list[int]) -> None:
    def close() -> None:
        for payment in Payment.objects.select_related("merchant").filter(pk__in=payment_ids):
            if payment.merchant is None or not payment.provider_reference:
                continue
            try:
                merchant_provider(payment.merchant).close_order(payment.provider_reference)
            except PaymentProviderError:
                # Paid meanwhile: its notification confirms it or refunds it as paid twice.
                logger.warning("could not close order %s", payment.provider_reference)

    if payment_ids:
        transaction.on_commit(close)


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


def session_order(session: stripe.CheckoutSession) -> OrderState:
    return OrderState(
        reference=session.id,
        transaction_id=session.payment_intent_id or "",
        paid=session.is_paid,
        closed=session.status == "expired",
        amount_minor=session.amount_total,
        currency=session.currency,
    )


def confirm_payment(*, payment_id: int, order: OrderState, now: datetime | None = None) -> Payment:
    """Record a paid order (a Checkout Session, a WeChat Pay or Alipay order) and confirm its
    entry, exactly once.

    The webhook and the return page both call this, possibly at the same moment and more than
    once: the payment row is locked and its state re-checked, so only the first call changes
    anything (and sends the e-mail).
    """
    now = now or timezone.now()
    with transaction.atomic():
        entry_id = Payment.objects.values_list("entry_id", flat=True).get(pk=payment_id)
        event, entry = lock_entry(entry_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status == Payment.Status.SUCCEEDED or order.reference != payment.reference:
            # Paid already, or not the order we made for this payment: nothing to confirm.
            return payment
        if (order.amount_minor, order.currency) != (payment.amount_minor, payment.currency):
            audit(
                entry=entry,
                payment=payment,
                action="payment_mismatch",
                detail=f"{payment.get_method_display()}: {order.amount_minor} {order.currency}",
            )
            return payment
        previous = payment.status
        payment.status = Payment.Status.SUCCEEDED
        payment.paid_at = now
        if payment.method == Payment.Method.STRIPE:
            payment.stripe_payment_intent_id = order.transaction_id
        else:
            payment.provider_transaction_id = order.transaction_id
        payment.save(
            update_fields=[
                "status",
                "paid_at",
                "stripe_payment_intent_id",
                "provider_transaction_id",
            ]
        )
        audit(
            entry=entry,
            payment=payment,
            action="payment_succeeded",
            from_status=previous,
            to_status=payment.status,
            detail=order.reference,
        )
        _place_paid_entry(entry, payment, event=event, now=now)
    return payment


def _place_paid_entry(entry: Entry, payment: Payment, *, event: Event, now: datetime) -> None:
    if entry.status == Entry.Status.HELD:
        # Still holding its place number, even if the hold lapsed a moment ago: nobody else can
        # have that place until a writer releases it, and we hold the lock.
        entry.expires_at = None
        entry.confirmed_at = now
        change_status(entry, Entry.Status.CONFIRMED, action="confirmed", payment=payment)
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
                entry,
                Entry.Status.CONFIRMED,
                action="confirmed",
                detail="paid after the hold",
                payment=payment,
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
    return confirm_payment(payment_id=payment.pk, order=session_order(session), now=now)


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
        return confirm_payment(payment_id=payment.pk, order=session_order(session))
    return payment


def confirm_order(*, payment: Payment, order: OrderState) -> Payment:
    """A WeChat Pay or Alipay order we were told about: confirm it when paid, fail it when the
    provider closed it unpaid."""
    if order.paid:
        return confirm_payment(payment_id=payment.pk, order=order)
    if order.closed:
        fail_payment(payment.pk, detail="closed at the provider", status=Payment.Status.EXPIRED)
    return payment


def check_order_return(*, entry: Entry, payment_id: int) -> Payment:
    """Back from WeChat Pay or Alipay (or pressing "I have paid"): ask the provider."""
    payment = (
        entry.payments.select_related("merchant")
        .filter(pk=payment_id, merchant__isnull=False)
        .first()
    )
    if payment is None or payment.merchant is None or not payment.provider_reference:
        raise PaymentFlowError(_("This payment does not belong to this entry."))
    if payment.status != Payment.Status.PENDING:
        return payment
    try:
        order = merchant_provider(payment.merchant).query_order(payment.provider_reference)
    except PaymentProviderError as exc:
        raise PaymentFlowError(str(exc)) from exc
    if order is None:
        return payment
    return confirm_order(payment=payment, order=order)
