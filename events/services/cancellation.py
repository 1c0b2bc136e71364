"""Cancelling entries: one entry (by its driver or staff) or all of a cancelled event's."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.exceptions import PaymentFlowError
from events.models import Entry, Event, Payment, Refund
from events.services import deposits
from events.services.audit import audit, change_status
from events.services.checkout import close_orders_after_commit, expire_sessions_after_commit
from events.services.locking import lock_event
from events.services.notifications import email_after_commit
from events.services.refunds import process_refund

logger = logging.getLogger(__name__)


# --- one entry ----------------------------------------------------------------------------------


def cancel_one_entry(
    entry: Entry,
    *,
    action: str,
    actor: Any,
    reason: str,
    detail: str = "",
    now: datetime | None = None,
) -> deposits.CancelledDeposit:
    """Cancel a locked entry: free its place, close its unpaid payments, release its deposit.

    The caller holds the event and entry locks, and refunds and e-mails as its own rule says (a
    driver's refund policy, or everything for a cancelled event).
    """
    entry.place_number = None
    entry.car_number = None
    entry.expires_at = None
    entry.cancelled_at = now or timezone.now()
    entry.cancellation_reason = reason[:300]
    change_status(entry, Entry.Status.CANCELLED, action=action, actor=actor, detail=detail)
    expire_sessions_after_commit(_close_pending_payments(entry))
    return deposits.release_for_cancellation(entry, actor=actor, reason=action)


def _close_pending_payments(entry: Entry) -> list[str]:
    """Cancel unpaid payments; returns Checkout Session ids to expire at Stripe after commit
    (WeChat Pay and Alipay orders are closed after commit from here)."""
    sessions, orders = [], []
    for payment in entry.payments.select_for_update().filter(status=Payment.Status.PENDING):
        payment.status = Payment.Status.CANCELLED
        payment.save(update_fields=["status"])
        audit(entry=entry, payment=payment, action="payment_cancelled", to_status=payment.status)
        if payment.stripe_session_id:
            sessions.append(payment.stripe_session_id)
        elif payment.merchant_id and payment.provider_reference:
            orders.append(payment.pk)
    close_orders_after_commit(orders)
    return sessions


# --- event cancellation -------------------------------------------------------------------------


@dataclass
class CancellationSummary:
    entries_cancelled: int = 0
    refunded: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    # Accepted by the provider and paid out later (WeChat Pay): its notification finishes them.
    processing: list[int] = field(default_factory=list)
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
    summary = CancellationSummary()
    with transaction.atomic():
        event = lock_event(event_id)
        if event.status != Event.Status.CANCELLED:
            raise PaymentFlowError(_("Only a cancelled event's entries are refunded this way."))
        for entry in Entry.objects.select_for_update().filter(
            event=event, status__in=Entry.ACTIVE_STATUSES
        ):
            deposit = cancel_one_entry(
                entry, action="event_cancelled", actor=actor, reason=event.cancellation_reason
            )
            email_after_commit(entry, "event_cancelled", **deposit.email_context())
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
        if refund.status == Refund.Status.SUCCEEDED:
            summary.refunded.append(refund_id)
        elif refund.status == Refund.Status.PENDING and refund.provider_refund_id:
            summary.processing.append(refund_id)
        else:
            summary.failed.append(refund_id)
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
