"""What payment providers tell us, each message handled once: Stripe's webhooks (checkout
sessions, card deposits, refunds made at Stripe) and WeChat Pay's and Alipay's notifications
(payments and refunds on an organizer's own account). Each message's effects are in the service
that owns them (checkout, deposits, refunds); this module only dispatches and records refunds
made in Stripe's dashboard.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from events.gateways import stripe
from events.gateways.base import Notification
from events.models import MerchantAccount, Payment, ProviderNotification, Refund, StripeEvent
from events.services import deposits
from events.services.audit import audit
from events.services.checkout import confirm_checkout_session, confirm_order, fail_payment
from events.services.locking import lock_event
from events.services.refunds import record_refund_outcome

# --- webhooks -----------------------------------------------------------------------------------


def handle_stripe_event(event: stripe.WebhookEvent) -> bool:
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
        if event.type in (
            "checkout.session.completed",
            "checkout.session.async_payment_succeeded",
        ):
            confirm_checkout_session(session=stripe.session_from_event(event))
        elif event.type == "payment_intent.amount_capturable_updated":
            # A damage deposit authorised on a card (manual capture).
            deposits.record_authorisation(stripe.authorisation_from_event(event))
        elif event.type == "payment_intent.canceled":
            # A deposit's authorisation lapsed or was cancelled at Stripe.
            deposits.record_cancellation(stripe.authorisation_from_event(event))
        elif event.type in ("checkout.session.expired", "checkout.session.async_payment_failed"):
            session = stripe.session_from_event(event)
            payment = Payment.objects.filter(stripe_session_id=session.id).first()
            if payment is None:
                deposits.expire_request(session)
            else:
                status = (
                    Payment.Status.EXPIRED
                    if event.type.endswith("expired")
                    else Payment.Status.FAILED
                )
                fail_payment(payment.pk, detail=event.type, status=status)
        elif event.type == "charge.refunded":
            _record_external_refunds(stripe.charge_refunds_from_event(event))
    return True


def _record_external_refunds(charge: stripe.ChargeRefunds) -> None:
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


def handle_notification(*, account: MerchantAccount, notification: Notification) -> bool:
    """Apply a verified WeChat Pay or Alipay notification once. False if its id was seen before.

    As for Stripe, the notification row and its effects commit together. An order is only ever
    matched by our order number on the account that made it: a notification about another
    account's or another site's order changes nothing.
    """
    reference = ""
    if notification.order is not None:
        reference = notification.order.reference
    elif notification.refund is not None:
        reference = notification.refund.reference
    with transaction.atomic():
        try:
            with transaction.atomic():
                ProviderNotification.objects.create(
                    provider=account.provider,
                    notification_id=notification.id,
                    account=account,
                    kind=notification.kind,
                    reference=reference[:64],
                )
        except IntegrityError:
            return False
        if notification.order is not None:
            payment = Payment.objects.filter(
                provider_reference=notification.order.reference, merchant=account
            ).first()
            if payment is not None:
                confirm_order(payment=payment, order=notification.order)
        elif notification.refund is not None:
            record_refund_outcome(notification.refund, merchant_id=account.pk)
    return True
