"""Damage deposits: taken at check-in, settled once after the event.

A deposit is held in cash (or on the organizer's own terminal) and recorded by staff, or
authorised on the driver's card through a Stripe Checkout Session with manual capture. Settling it
means releasing it all, or keeping part or all of it for damage with a note.

A card settlement calls Stripe outside any lock. So that a double click or two staff members at
once can never capture twice, the deposit row is first moved to SETTLING under its lock (the
second request finds it SETTLING and is refused), then Stripe is called with an idempotency key,
then the outcome is written under the lock again. When Stripe cannot be reached the deposit stays
SETTLING with the same request and key, and "retry" repeats exactly that request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.engine import money
from events.exceptions import PaymentFlowError
from events.gateways import stripe
from events.models import Deposit, Entry
from events.services.audit import audit
from events.services.checkout import absolute_url, expire_sessions_after_commit
from events.services.locking import lock_entry
from events.services.notifications import email_after_commit

logger = logging.getLogger(__name__)


def deposit_minor(entry: Entry) -> int:
    return money.to_minor_units(entry.entry_class.damage_deposit, entry.currency)


def _lock_deposit_entry(entry_id: int) -> Entry:
    _event, entry = lock_entry(entry_id, related=("driver",))
    return entry


def _current(entry: Entry) -> Deposit | None:
    return (
        Deposit.objects.select_for_update()
        .filter(entry=entry, status__in=Deposit.CURRENT_STATUSES)
        .first()
    )


def _check_can_take(entry: Entry) -> int:
    if entry.status != Entry.Status.CONFIRMED:
        raise PaymentFlowError(_("A deposit is taken only for a confirmed entry."))
    amount = deposit_minor(entry)
    if amount <= 0:
        raise PaymentFlowError(_("This entry's class takes no damage deposit."))
    return amount


def _withdraw_request(deposit: Deposit, *, actor: Any) -> None:
    deposit.status = Deposit.Status.CANCELLED
    deposit.save(update_fields=["status"])
    audit(
        entry=deposit.entry,
        action="deposit_withdrawn",
        from_status=Deposit.Status.REQUESTED,
        to_status=deposit.status,
        actor=actor,
    )
    if deposit.stripe_session_id:
        expire_sessions_after_commit([deposit.stripe_session_id])


@transaction.atomic
def hold_deposit_at_track(*, entry_id: int, actor: Any, now: datetime | None = None) -> Deposit:
    """Staff took the deposit in cash or on their own terminal."""
    now = now or timezone.now()
    entry = _lock_deposit_entry(entry_id)
    amount = _check_can_take(entry)
    current = _current(entry)
    if current is not None and current.status != Deposit.Status.REQUESTED:
        raise PaymentFlowError(_("This entry already has a deposit."))
    if current is not None:
        # The driver paid at the desk after all: the card link must no longer be usable.
        _withdraw_request(current, actor=actor)
    deposit = Deposit.objects.create(
        entry=entry,
        method=Deposit.Method.AT_TRACK,
        status=Deposit.Status.HELD,
        amount_minor=amount,
        currency=entry.currency,
        created_at=now,
        held_at=now,
        taken_by=actor,
    )
    audit(
        entry=entry,
        action="deposit_held",
        to_status=deposit.status,
        actor=actor,
        detail=f"{deposit.get_method_display()}: {deposit.amount} {deposit.currency}",
    )
    return deposit


def request_card_deposit(*, entry_id: int, actor: Any, now: datetime | None = None) -> Deposit:
    """Create (or return) the Checkout Session in which the driver authorises the deposit."""
    if not stripe.stripe_enabled():
        raise PaymentFlowError(
            _("Online payment is not configured: take the deposit at the track instead.")
        )
    now = now or timezone.now()
    with transaction.atomic():
        entry = _lock_deposit_entry(entry_id)
        amount = _check_can_take(entry)
        deposit = _current(entry)
        if deposit is not None and deposit.status != Deposit.Status.REQUESTED:
            raise PaymentFlowError(_("This entry already has a deposit."))
        if deposit is not None and deposit.checkout_url:
            return deposit
        if deposit is None:
            deposit = Deposit.objects.create(
                entry=entry,
                method=Deposit.Method.CARD,
                status=Deposit.Status.REQUESTED,
                amount_minor=amount,
                currency=entry.currency,
                created_at=now,
                taken_by=actor,
            )
            audit(
                entry=entry,
                action="deposit_requested",
                to_status=deposit.status,
                actor=actor,
                detail=f"{deposit.amount} {deposit.currency}",
            )
        request = stripe.DepositCheckoutRequest(
            deposit_id=deposit.pk,
            entry_id=entry.pk,
            amount_minor=deposit.amount_minor,
            currency=deposit.currency,
            description=_("Damage deposit: %(title)s") % {"title": entry.event.title},
            customer_email=entry.driver.email,
            language=entry.language,
            # The return page asks Stripe at once, in case the webhook is late.
            success_url=absolute_url(
                reverse("events:entry-deposit-authorised", kwargs={"pk": entry.pk})
            )
            + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=absolute_url(entry.get_absolute_url()),
            idempotency_key=deposit.checkout_idempotency_key,
        )
    try:
        session = stripe.create_deposit_checkout_session(request)
    except stripe.PaymentProviderError as exc:
        if exc.definitive:
            # Stripe keeps its answer for this key: the next try needs a new deposit row.
            _fail_request(deposit.pk, detail=exc.detail)
        raise PaymentFlowError(str(exc)) from exc
    with transaction.atomic():
        stored = Deposit.objects.filter(pk=deposit.pk, stripe_session_id__isnull=True).update(
            stripe_session_id=session.id, checkout_url=session.url
        )
        if stored:
            email_after_commit(entry, "deposit_request", url=session.url, amount=deposit.amount)
    deposit.refresh_from_db()
    return deposit


def _fail_request(deposit_id: int, *, detail: str, status: str = Deposit.Status.FAILED) -> None:
    with transaction.atomic():
        entry_id = Deposit.objects.values_list("entry_id", flat=True).get(pk=deposit_id)
        _lock_deposit_entry(entry_id)
        deposit = Deposit.objects.select_for_update().select_related("entry").get(pk=deposit_id)
        if deposit.status != Deposit.Status.REQUESTED:
            return
        deposit.status = status
        deposit.failure = detail[:2000]
        deposit.save(update_fields=["status", "failure"])
        audit(
            entry=deposit.entry,
            action=f"deposit_{status}",
            from_status=Deposit.Status.REQUESTED,
            to_status=status,
            detail=detail[:500],
        )


# --- from Stripe's webhook ----------------------------------------------------------------------


def record_authorisation(authorisation: stripe.Authorisation) -> Deposit | None:
    """The driver authorised the deposit (`payment_intent.amount_capturable_updated`).

    Called inside the webhook's transaction. An authorisation nobody will settle (the request was
    withdrawn, or the amount is not ours) is cancelled at Stripe after commit, so the driver's
    funds are not blocked until it lapses.
    """
    if authorisation.deposit_id is None:
        return None
    entry_id = (
        Deposit.objects.filter(pk=authorisation.deposit_id)
        .values_list("entry_id", flat=True)
        .first()
    )
    if entry_id is None:
        return None
    entry = _lock_deposit_entry(entry_id)
    deposit = Deposit.objects.select_for_update().get(pk=authorisation.deposit_id)
    if deposit.stripe_payment_intent_id == authorisation.id:
        return deposit
    if deposit.status != Deposit.Status.REQUESTED or (
        authorisation.status != "requires_capture"
        or authorisation.amount_capturable != deposit.amount_minor
        or authorisation.currency != deposit.currency
    ):
        audit(
            entry=entry,
            action="deposit_authorisation_refused",
            from_status=deposit.status,
            detail=f"{authorisation.id} {authorisation.status} "
            f"{authorisation.amount_capturable} {authorisation.currency}",
        )
        _cancel_after_commit(authorisation.id, deposit)
        return deposit
    deposit.status = Deposit.Status.HELD
    deposit.stripe_payment_intent_id = authorisation.id
    deposit.held_at = timezone.now()
    deposit.save(update_fields=["status", "stripe_payment_intent_id", "held_at"])
    audit(
        entry=entry,
        action="deposit_authorised",
        from_status=Deposit.Status.REQUESTED,
        to_status=deposit.status,
        detail=authorisation.id,
    )
    return deposit


def _cancel_after_commit(payment_intent_id: str, deposit: Deposit) -> None:
    def cancel() -> None:
        try:
            stripe.cancel_authorisation(
                payment_intent_id=payment_intent_id,
                idempotency_key=f"paddock-deposit-{deposit.pk}-unwanted-{payment_intent_id}",
            )
        except stripe.PaymentProviderError:
            logger.warning("could not cancel unwanted authorisation %s", payment_intent_id)

    transaction.on_commit(cancel)


def expire_request(session: stripe.CheckoutSession) -> None:
    """`checkout.session.expired` for a deposit link: staff may send a new one."""
    deposit = Deposit.objects.filter(stripe_session_id=session.id).first()
    if deposit is not None:
        _fail_request(deposit.pk, detail="checkout.session.expired", status=Deposit.Status.EXPIRED)


def record_cancellation(authorisation: stripe.Authorisation) -> Deposit | None:
    """Stripe cancelled a deposit's authorisation (`payment_intent.canceled`).

    Called inside the webhook's transaction. It lapsed uncaptured (about 7 days): the deposit is
    EXPIRED, so staff may take a new one. It was cancelled in Stripe's dashboard: RELEASED. Either
    way the driver gets the one "released" e-mail, and only a deposit still HELD (or SETTLING)
    changes: our own cancellations, already recorded, and redeliveries change nothing.
    """
    deposit = (
        Deposit.objects.filter(stripe_payment_intent_id=authorisation.id).first()
        if authorisation.id
        else None
    )
    if deposit is None and authorisation.deposit_id is not None:
        deposit = Deposit.objects.filter(pk=authorisation.deposit_id).first()
    if deposit is None:
        return None
    deposit = _lock_deposit(deposit.pk)
    detail = f"{authorisation.id} {authorisation.cancellation_reason or 'canceled'}"
    if deposit.status == Deposit.Status.REQUESTED and not deposit.stripe_payment_intent_id:
        # Cancelled before its authorisation reached us (events can arrive out of order): the
        # link is used up. Keeping the id makes a late "authorised" event change nothing.
        deposit.status = Deposit.Status.EXPIRED
        deposit.stripe_payment_intent_id = authorisation.id
        deposit.failure = detail
        deposit.save(update_fields=["status", "stripe_payment_intent_id", "failure"])
        audit(
            entry=deposit.entry,
            action="deposit_authorisation_cancelled",
            from_status=Deposit.Status.REQUESTED,
            to_status=deposit.status,
            detail=detail,
        )
        return deposit
    if deposit.stripe_payment_intent_id != authorisation.id or deposit.status not in (
        Deposit.Status.HELD,
        Deposit.Status.SETTLING,
    ):
        return deposit
    if deposit.status == Deposit.Status.HELD and authorisation.lapsed:
        from_status = deposit.status
        deposit.status = Deposit.Status.EXPIRED
        deposit.settled_at = timezone.now()
        deposit.failure = detail
        deposit.save(update_fields=["status", "settled_at", "failure"])
        audit(
            entry=deposit.entry,
            action="deposit_lapsed",
            from_status=from_status,
            to_status=deposit.status,
            detail=detail,
        )
        email_after_commit(
            deposit.entry,
            "deposit_released",
            deposit=deposit,
            kept=deposit.captured,
            returned=deposit.amount,
            card=True,
        )
        return deposit
    # Cancelled in Stripe's dashboard, or our own release whose answer was lost: nothing kept.
    _finish(deposit, captured_minor=0, from_status=deposit.status, detail=detail)
    return deposit


def check_return(*, entry: Entry, session_id: str) -> Deposit:
    """The driver is back from authorising: ask Stripe rather than wait for the webhook.

    `record_authorisation` locks the deposit and checks the amount and currency, so the webhook
    and this page mark it HELD once, whichever comes first.
    """
    deposit = entry.deposits.filter(stripe_session_id=session_id).first()
    if deposit is None:
        raise PaymentFlowError(_("This deposit does not belong to this entry."))
    if deposit.status != Deposit.Status.REQUESTED:
        return deposit
    try:
        session = stripe.retrieve_checkout_session(session_id)
        if session.deposit_id != deposit.pk or not session.payment_intent_id:
            return deposit
        authorisation = stripe.retrieve_authorisation(session.payment_intent_id)
    except stripe.PaymentProviderError as exc:
        raise PaymentFlowError(str(exc)) from exc
    if authorisation.status != "requires_capture" or authorisation.deposit_id != deposit.pk:
        # Not authorised (yet): the webhook tells us what happens next.
        return deposit
    with transaction.atomic():
        record_authorisation(authorisation)
    deposit.refresh_from_db()
    return deposit


# --- settling after the event -------------------------------------------------------------------


def capture_deposit(*, deposit_id: int, amount_minor: int, note: str, actor: Any) -> Deposit:
    """Keep `amount_minor` of a held deposit for damage; the rest goes back to the driver."""
    note = note.strip()
    if not note:
        raise PaymentFlowError(_("Say what the damage is: the driver receives this note."))
    return _settle(deposit_id=deposit_id, capture_minor=amount_minor, note=note, actor=actor)


def release_deposit(*, deposit_id: int, actor: Any, note: str = "") -> Deposit:
    """Give the whole deposit back (cancel the card authorisation, or cash returned)."""
    return _settle(deposit_id=deposit_id, capture_minor=0, note=note.strip(), actor=actor)


def retry_settlement(*, deposit_id: int, actor: Any) -> Deposit:
    """Send again the settlement that Stripe could not be reached for, unchanged."""
    with transaction.atomic():
        deposit = _lock_deposit(deposit_id)
        if deposit.status != Deposit.Status.SETTLING:
            raise PaymentFlowError(_("This deposit is not waiting for Stripe."))
    return _settle_with_stripe(deposit_id)


def _lock_deposit(deposit_id: int) -> Deposit:
    entry_id = Deposit.objects.values_list("entry_id", flat=True).get(pk=deposit_id)
    entry = _lock_deposit_entry(entry_id)
    deposit = Deposit.objects.select_for_update().get(pk=deposit_id)
    deposit.entry = entry
    return deposit


def _settle(*, deposit_id: int, capture_minor: int, note: str, actor: Any) -> Deposit:
    with transaction.atomic():
        deposit = _lock_deposit(deposit_id)
        if deposit.status == Deposit.Status.SETTLING:
            raise PaymentFlowError(
                _("This deposit is already being settled. Reload the page to see the outcome.")
            )
        if deposit.status in (Deposit.Status.CAPTURED, Deposit.Status.RELEASED):
            raise PaymentFlowError(_("This deposit was already settled."))
        if deposit.status != Deposit.Status.HELD:
            raise PaymentFlowError(_("This deposit is not held, so there is nothing to settle."))
        if capture_minor < 0 or capture_minor > deposit.amount_minor:
            raise PaymentFlowError(
                _("You can keep at most %(amount)s %(currency)s, the amount held.")
                % {"amount": deposit.amount, "currency": deposit.currency}
            )
        deposit.note = note
        deposit.settled_by = actor
        if deposit.method == Deposit.Method.AT_TRACK:
            deposit.save(update_fields=["note", "settled_by"])
            _finish(deposit, captured_minor=capture_minor, from_status=deposit.status)
            return deposit
        deposit.status = Deposit.Status.SETTLING
        deposit.settle_capture_minor = capture_minor
        deposit.save(update_fields=["status", "settle_capture_minor", "note", "settled_by"])
        audit(
            entry=deposit.entry,
            action="deposit_settling",
            from_status=Deposit.Status.HELD,
            to_status=deposit.status,
            actor=actor,
            detail=_settlement_detail(deposit, capture_minor),
        )
    return _settle_with_stripe(deposit_id)


def _settlement_detail(deposit: Deposit, capture_minor: int) -> str:
    kept = money.from_minor_units(capture_minor, deposit.currency)
    return f"{kept} / {deposit.amount} {deposit.currency}" + (
        f" · {deposit.note}" if deposit.note else ""
    )


def _settle_with_stripe(deposit_id: int) -> Deposit:
    deposit = Deposit.objects.get(pk=deposit_id)
    capture_minor = deposit.settle_capture_minor or 0
    try:
        if capture_minor:
            result = stripe.capture_authorisation(
                payment_intent_id=deposit.stripe_payment_intent_id,
                amount_minor=capture_minor,
                idempotency_key=deposit.settle_idempotency_key,
            )
        else:
            result = stripe.cancel_authorisation(
                payment_intent_id=deposit.stripe_payment_intent_id,
                idempotency_key=deposit.settle_idempotency_key,
            )
    except stripe.PaymentProviderError as exc:
        return _settlement_refused(deposit_id, exc)
    captured = result.amount_received if result.status == "succeeded" else 0
    with transaction.atomic():
        deposit = _lock_deposit(deposit_id)
        if deposit.status == Deposit.Status.SETTLING:
            _finish(deposit, captured_minor=captured, from_status=Deposit.Status.SETTLING)
    return deposit


def _settlement_refused(deposit_id: int, exc: stripe.PaymentProviderError) -> Deposit:
    """Stripe said no, or could not be reached. Nothing is lost: the request is kept or undone."""
    found = None
    if exc.definitive:
        deposit = Deposit.objects.get(pk=deposit_id)
        try:
            found = stripe.retrieve_authorisation(deposit.stripe_payment_intent_id)
        except stripe.PaymentProviderError:
            found = None
    with transaction.atomic():
        deposit = _lock_deposit(deposit_id)
        if deposit.status != Deposit.Status.SETTLING:
            return deposit
        if found is not None and found.status in ("canceled", "succeeded"):
            # Settled at Stripe already: the authorisation lapsed (about 7 days) or was captured
            # or cancelled in Stripe's dashboard. Record what Stripe holds, no more.
            captured = found.amount_received if found.status == "succeeded" else 0
            wanted = deposit.settle_capture_minor or 0
            _finish(deposit, captured_minor=captured, from_status=Deposit.Status.SETTLING)
            if captured == wanted:
                return deposit
            surprise = _(
                "Stripe had already settled this authorisation: %(kept)s %(currency)s was kept. "
                "The deposit is recorded as Stripe holds it."
            ) % {"kept": deposit.captured, "currency": deposit.currency}
        else:
            surprise = ""
            audit(
                entry=deposit.entry,
                action="deposit_settle_failed",
                from_status=Deposit.Status.SETTLING,
                to_status=Deposit.Status.HELD if exc.definitive else Deposit.Status.SETTLING,
                detail=exc.detail[:500],
            )
            deposit.failure = exc.detail[:2000]
            if exc.definitive:
                # Stripe stored this refusal under the key: a new try needs a new key.
                deposit.status = Deposit.Status.HELD
                deposit.settle_capture_minor = None
                deposit.attempts += 1
            deposit.save(update_fields=["status", "settle_capture_minor", "attempts", "failure"])
    # Raised after the block: the outcome above is committed, not rolled back with the error.
    raise PaymentFlowError(surprise or str(exc))


def _finish(deposit: Deposit, *, captured_minor: int, from_status: str, detail: str = "") -> None:
    deposit.status = Deposit.Status.CAPTURED if captured_minor else Deposit.Status.RELEASED
    deposit.captured_minor = captured_minor
    deposit.settle_capture_minor = None
    deposit.settled_at = timezone.now()
    deposit.failure = ""
    deposit.save(
        update_fields=[
            "status",
            "captured_minor",
            "settle_capture_minor",
            "settled_at",
            "failure",
        ]
    )
    audit(
        entry=deposit.entry,
        action="deposit_captured" if captured_minor else "deposit_released",
        from_status=from_status,
        to_status=deposit.status,
        actor=deposit.settled_by,
        detail=detail or _settlement_detail(deposit, captured_minor),
    )
    returned = money.from_minor_units(deposit.amount_minor - captured_minor, deposit.currency)
    email_after_commit(
        deposit.entry,
        "deposit_captured" if captured_minor else "deposit_released",
        deposit=deposit,
        kept=deposit.captured,
        returned=returned,
        card=deposit.method == Deposit.Method.CARD,
    )


# --- when the entry or its event is cancelled ---------------------------------------------------


@dataclass(frozen=True)
class CancelledDeposit:
    """What cancelling an entry did to its deposit, for the driver's e-mail and staff's message."""

    link_withdrawn: bool = False
    # A card authorisation moved to SETTLING: release it at Stripe with `release_at_stripe`.
    releasing_id: int | None = None
    # Cash (or the organizer's terminal) cannot be returned by software: staff hand it back.
    cash_to_return: Deposit | None = None

    def email_context(self) -> dict[str, Any]:
        cash = self.cash_to_return
        return {
            "deposit_link_withdrawn": self.link_withdrawn,
            "deposit_cash": cash.amount if cash else None,
            "deposit_currency": cash.currency if cash else "",
        }


def release_for_cancellation(entry: Entry, *, actor: Any, reason: str) -> CancelledDeposit:
    """The entry is being cancelled (the caller holds the event and entry locks).

    An open card link is withdrawn (its session expired after commit); a held card authorisation
    is moved to SETTLING as a release, so that the Stripe call made after commit, or a retry after
    Stripe could not be reached, cancels it exactly once; cash stays held for staff to hand back.
    """
    deposit = (
        Deposit.objects.select_for_update()
        .filter(entry=entry, status__in=Deposit.OPEN_STATUSES)
        .first()
    )
    if deposit is None:
        return CancelledDeposit()
    deposit.entry = entry
    if deposit.status == Deposit.Status.REQUESTED:
        _withdraw_request(deposit, actor=actor)
        return CancelledDeposit(link_withdrawn=True)
    if deposit.status != Deposit.Status.HELD:
        return CancelledDeposit()  # SETTLING: staff's settlement (or its retry) finishes it.
    if deposit.method == Deposit.Method.AT_TRACK:
        audit(
            entry=entry,
            action="deposit_to_hand_back",
            from_status=deposit.status,
            to_status=deposit.status,
            actor=actor,
            detail=f"{deposit.amount} {deposit.currency} · {reason}",
        )
        return CancelledDeposit(cash_to_return=deposit)
    _start_release(deposit, actor=actor, reason=reason)
    return CancelledDeposit(releasing_id=deposit.pk)


def _start_release(deposit: Deposit, *, actor: Any, reason: str) -> None:
    deposit.status = Deposit.Status.SETTLING
    deposit.settle_capture_minor = 0
    deposit.settled_by = actor
    deposit.save(update_fields=["status", "settle_capture_minor", "settled_by"])
    audit(
        entry=deposit.entry,
        action="deposit_settling",
        from_status=Deposit.Status.HELD,
        to_status=deposit.status,
        actor=actor,
        detail=f"{_settlement_detail(deposit, 0)} · {reason}",
    )


def release_at_stripe(deposit_ids: Iterable[int]) -> list[int]:
    """Send the cancellation releases to Stripe; returns the ids still waiting (to retry).

    Never raises: the cancellation is committed, and a deposit Stripe could not be reached for
    stays SETTLING (staff see "Retry"; the event's "resume" repeats it), one Stripe refused is
    HELD again for staff to release.
    """
    waiting = []
    for deposit_id in deposit_ids:
        try:
            deposit = _settle_with_stripe(deposit_id)
        except PaymentFlowError as exc:
            logger.warning("deposit %s was not released at Stripe: %s", deposit_id, exc)
            waiting.append(deposit_id)
        except Exception:
            logger.exception("deposit %s could not be released at Stripe", deposit_id)
            waiting.append(deposit_id)
        else:
            if deposit.status == Deposit.Status.SETTLING:
                waiting.append(deposit_id)
    return waiting


def release_at_stripe_after_commit(deposit_ids: list[int]) -> None:
    if deposit_ids:
        transaction.on_commit(partial(release_at_stripe, list(deposit_ids)))


def releases_of_cancelled_event(event_id: int, *, actor: Any) -> list[int]:
    """Under the event lock: the card deposits a cancelled event still has to release.

    Held ones (a refusal by Stripe last time, or an entry cancelled before) are moved to
    SETTLING; releases left SETTLING by a lost connection are returned to be sent again.
    """
    held = Deposit.objects.select_for_update(of=("self",)).filter(
        entry__event_id=event_id, method=Deposit.Method.CARD, status=Deposit.Status.HELD
    )
    for deposit in held.select_related("entry"):
        _start_release(deposit, actor=actor, reason="event_cancelled")
    return list(
        Deposit.objects.filter(
            entry__event_id=event_id,
            status=Deposit.Status.SETTLING,
            settle_capture_minor=0,
        ).values_list("pk", flat=True)
    )


def cash_to_hand_back(event_id: int) -> int:
    """How many deposits held at the track belong to the event's inactive entries."""
    return (
        Deposit.objects.filter(
            entry__event_id=event_id,
            method=Deposit.Method.AT_TRACK,
            status=Deposit.Status.HELD,
        )
        .exclude(entry__status__in=Entry.ACTIVE_STATUSES)
        .count()
    )


def held_at_track(event_id: int) -> int:
    """Deposits held at the track on the event, which cancelling it leaves for staff to return."""
    return Deposit.objects.filter(
        entry__event_id=event_id, method=Deposit.Method.AT_TRACK, status=Deposit.Status.HELD
    ).count()
