"""Entries (registrations), their payments, refunds, Stripe events and the audit trail."""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models.events import EntryClass, Event
from racing.models import Vehicle


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class EntryStatus(models.TextChoices):
    HELD = "held", _("Held, awaiting payment")
    PENDING_APPROVAL = "pending_approval", _("Awaiting the organizer's approval")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    OFFERED = "offered", _("Place offered from the waiting list")
    EXPIRED = "expired", _("Expired")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses in which an entry occupies a place of its class (held and offered only until their
# expiry: see `Entry.holds_place`).
PLACE_STATUSES = (
    EntryStatus.HELD,
    EntryStatus.OFFERED,
    EntryStatus.PENDING_APPROVAL,
    EntryStatus.CONFIRMED,
)
# Statuses that count as "entered" for the one-entry-per-driver-per-event rule.
ACTIVE_STATUSES = (*PLACE_STATUSES, EntryStatus.WAITLISTED)
EXPIRING_STATUSES = (EntryStatus.HELD, EntryStatus.OFFERED)


def holds_place_q(now: datetime | None = None) -> Q:
    """Entries that occupy a place of their class: confirmed, awaiting approval, or held / offered
    and not yet expired.

    Expiry is decided by comparing with the current time in the query itself, so a lapsed hold
    stops counting the moment it lapses, with no background job. Every page, the API and the
    place-taking service (`events.services.registration`) use this one rule.
    """
    now = now or timezone.now()
    return Q(status__in=PLACE_STATUSES) & (~Q(status__in=EXPIRING_STATUSES) | Q(expires_at__gt=now))


class EntryQuerySet(models.QuerySet["Entry"]):
    def holding_places(self, now: datetime | None = None) -> EntryQuerySet:
        return self.filter(holds_place_q(now))


class Entry(models.Model):
    Status = EntryStatus

    class Scrutineering(models.TextChoices):
        PENDING = "pending", _("Not yet scrutineered")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    PLACE_STATUSES = PLACE_STATUSES
    ACTIVE_STATUSES = ACTIVE_STATUSES
    EXPIRING_STATUSES = EXPIRING_STATUSES

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="entries", verbose_name=_("event")
    )
    entry_class = models.ForeignKey(
        EntryClass, on_delete=models.PROTECT, related_name="entries", verbose_name=_("class")
    )
    exclusive = models.BooleanField(
        _("counts as the driver's entry to the event"),
        default=True,
        editable=False,
        help_text=_("False for entries in classes open to drivers already entered."),
    )
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("driver"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    # The place this entry occupies in its class, 1..capacity; NULL when it holds none. The unique
    # constraint below is what makes overselling impossible even if a code path forgot the lock.
    place_number = models.PositiveIntegerField(_("place"), null=True, blank=True)
    expires_at = models.DateTimeField(_("hold expires at"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("joined the waiting list"), null=True, blank=True)

    vehicle = models.ForeignKey(
        Vehicle,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("vehicle"),
    )
    # What the vehicle was when entered, kept if the driver later edits or deletes it.
    vehicle_description = models.CharField(_("vehicle"), max_length=200, blank=True)
    car_number = models.PositiveIntegerField(_("car number"), null=True, blank=True)
    preferred_car_number = models.PositiveIntegerField(
        _("preferred car number"), null=True, blank=True
    )
    transponder = models.CharField(_("transponder number"), max_length=20, blank=True)

    co_driver_email = models.EmailField(_("co-driver or navigator e-mail"), blank=True)
    co_driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="co_driven_entries",
        verbose_name=_("co-driver or navigator"),
    )
    co_driver_token = models.CharField(max_length=64, default=_new_token, editable=False)
    co_driver_confirmed_at = models.DateTimeField(
        _("co-driver confirmed at"), null=True, blank=True
    )

    # Copied when the entry is made, so later changes to the class never change what was agreed.
    fee_minor = models.PositiveIntegerField(_("fee (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    early_bird = models.BooleanField(_("early-bird fee"), default=False)
    refund_policy = models.JSONField(_("refund policy"), default=list)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")

    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    scrutineering = models.CharField(
        _("scrutineering"),
        max_length=10,
        choices=Scrutineering.choices,
        default=Scrutineering.PENDING,
    )
    scrutineering_notes = models.TextField(_("scrutineering notes"), blank=True)
    scrutineered_at = models.DateTimeField(_("scrutineered at"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancellation_reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["entry_class__position", "car_number", "pk"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        indexes = [
            models.Index(fields=["entry_class", "status"], name="entry_class_status"),
            models.Index(fields=["driver", "status"], name="entry_driver_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["entry_class", "place_number"], name="entry_one_per_place"
            ),
            models.CheckConstraint(
                condition=Q(place_number__isnull=True) | Q(place_number__gte=1),
                name="entry_place_number_positive",
            ),
            models.CheckConstraint(
                condition=Q(place_number__isnull=False) | ~Q(status__in=PLACE_STATUSES),
                name="entry_place_status_has_place",
            ),
            models.UniqueConstraint(
                fields=["event", "car_number"], name="entry_car_number_unique_per_event"
            ),
            # One entry per driver per event, except in classes that allow more (`exclusive`
            # is copied from the class when the entry is made); never twice in one class.
            models.UniqueConstraint(
                fields=["event", "driver"],
                condition=Q(status__in=ACTIVE_STATUSES, exclusive=True),
                name="entry_one_active_per_driver_per_event",
            ),
            models.UniqueConstraint(
                fields=["entry_class", "driver"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="entry_one_active_per_driver_per_class",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.entry_class} · {self.driver}"

    def get_absolute_url(self) -> str:
        return reverse("events:entry-detail", kwargs={"pk": self.pk})

    @property
    def fee_amount(self) -> Decimal:
        from events.engine.money import from_minor_units

        return from_minor_units(self.fee_minor, self.currency)

    @property
    def receipt_number(self) -> str:
        return f"PDK-{self.event_id}-{self.pk:06d}"

    def hold_expired(self, now: datetime | None = None) -> bool:
        return (
            self.status in self.EXPIRING_STATUSES
            and self.expires_at is not None
            and self.expires_at <= (now or timezone.now())
        )

    def holds_place(self, now: datetime | None = None) -> bool:
        return self.status in self.PLACE_STATUSES and not self.hold_expired(now)

    @property
    def is_paid(self) -> bool:
        return any(p.status == Payment.Status.SUCCEEDED for p in self.payments.all())

    @property
    def deposit(self) -> Deposit | None:
        """The entry's deposit (open or settled), from prefetched rows when there are any."""
        current = [d for d in self.deposits.all() if d.status in Deposit.CURRENT_STATUSES]
        return current[-1] if current else None

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def deposit_still_held(self) -> Deposit | None:
        """A deposit still held although the entry is no longer active (cancelled).

        Cash held at the track cannot be returned by software, and a card authorisation Stripe
        refused to cancel waits for staff: either way staff must release it.
        """
        deposit = self.deposit
        if deposit is not None and deposit.status == Deposit.Status.HELD and not self.is_active:
            return deposit
        return None

    @property
    def lapsed_deposit(self) -> Deposit | None:
        """The card authorisation that lapsed at Stripe, when no deposit is held since."""
        deposits = list(self.deposits.all())
        if not deposits or self.deposit is not None:
            return None
        last = deposits[-1]
        lapsed = last.status == Deposit.Status.EXPIRED and last.settled_at is not None
        return last if lapsed else None


class Payment(models.Model):
    class Method(models.TextChoices):
        STRIPE = "stripe", _("Online (card, Alipay, WeChat Pay)")
        AT_TRACK = "at_track", _("At the track")
        WECHATPAY = "wechatpay", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="payments", verbose_name=_("entry")
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    amount_minor = models.PositiveIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    refunded_minor = models.PositiveIntegerField(_("refunded (minor units)"), default=0)
    stripe_session_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    # WeChat Pay and Alipay: the organizer's account that took it, our order number
    # (out_trade_no) and the provider's transaction number.
    merchant = models.ForeignKey(
        "events.MerchantAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("merchant account"),
    )
    provider_reference = models.CharField(max_length=64, null=True, blank=True, unique=True)
    provider_transaction_id = models.CharField(max_length=64, blank=True)
    # Where the payer was when the order was made (desktop, phone, wechat): WeChat Pay keeps an
    # order number to one kind of order, so another kind needs another payment row.
    provider_client = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    marked_paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked paid by"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(status="pending"),
                name="payment_one_pending_per_entry",
            ),
            models.CheckConstraint(
                condition=Q(refunded_minor__lte=models.F("amount_minor")),
                name="payment_refund_not_above_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount_minor} {self.currency} ({self.status})"

    @property
    def reference(self) -> str:
        """Our order's id at its provider: the Checkout Session id (Stripe) or our order number."""
        return (self.stripe_session_id if self.method == self.Method.STRIPE else None) or (
            self.provider_reference or ""
        )

    @property
    def idempotency_key(self) -> str:
        # One Checkout Session per payment row, whoever asks for it and however often.
        return f"paddock-payment-{self.pk}-checkout"

    @property
    def amount(self) -> Decimal:
        from events.engine.money import from_minor_units

        return from_minor_units(self.amount_minor, self.currency)

    @property
    def refundable_minor(self) -> int:
        if self.status != self.Status.SUCCEEDED:
            return 0
        return self.amount_minor - self.refunded_minor


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    class Reason(models.TextChoices):
        DRIVER_CANCELLED = "driver_cancelled", _("Cancelled by the driver")
        STAFF_CANCELLED = "staff_cancelled", _("Cancelled by the organizer")
        EVENT_CANCELLED = "event_cancelled", _("Event cancelled")
        LATE_PAYMENT = "late_payment", _("Paid after the place was given to someone else")
        DUPLICATE_PAYMENT = "duplicate_payment", _("Paid twice")
        EXTERNAL = "external", _("Refunded outside Paddock")

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment")
    )
    amount_minor = models.PositiveIntegerField(_("amount (minor units)"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    stripe_refund_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    # WeChat Pay's refund_id (Alipay has none: its trade number and our refund number).
    provider_refund_id = models.CharField(max_length=128, blank=True)
    # Stripe stores the answer to a key, failures included: a retry after a refusal needs a new
    # key, a retry after a lost connection must reuse the old one. See events/services/refunds.py.
    attempts = models.PositiveIntegerField(default=0)
    failure = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.UniqueConstraint(
                fields=["payment"],
                condition=Q(reason="event_cancelled"),
                name="refund_once_per_payment_when_event_cancelled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount_minor} ({self.status})"

    @property
    def amount(self) -> Decimal:
        from events.engine.money import from_minor_units

        return from_minor_units(self.amount_minor, self.payment.currency)

    @property
    def idempotency_key(self) -> str:
        return f"paddock-refund-{self.pk}-{self.attempts}"


class Deposit(models.Model):
    """A damage deposit taken at check-in: held in cash or authorised on the driver's card.

    It is settled once, after the event: released in full, or captured in part or in full for
    damage (the rest is released). A card authorisation is a Stripe PaymentIntent with manual
    capture; Stripe lets it lapse after about 7 days, which is why it is taken at the track.
    """

    class Method(models.TextChoices):
        CARD = "card", _("Card authorisation (online)")
        AT_TRACK = "at_track", _("Held at the track (cash or terminal)")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for the driver's card authorisation")
        HELD = "held", _("Held")
        SETTLING = "settling", _("Being settled")
        CAPTURED = "captured", _("Kept for damage")
        RELEASED = "released", _("Released")
        EXPIRED = "expired", _("Authorisation link expired")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Withdrawn")

    # A deposit in one of these statuses is the entry's deposit; the others are finished tries.
    OPEN_STATUSES = (Status.REQUESTED, Status.HELD, Status.SETTLING)
    CURRENT_STATUSES = (*OPEN_STATUSES, Status.CAPTURED, Status.RELEASED)

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="deposits", verbose_name=_("entry")
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    amount_minor = models.PositiveIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    captured_minor = models.PositiveIntegerField(_("kept (minor units)"), default=0)
    # What a SETTLING deposit is being settled as: kept so that a retry after Stripe could not be
    # reached repeats the same request (and idempotency key), never a different one.
    settle_capture_minor = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(_("damage note"), blank=True)
    stripe_session_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    # Stripe stores failed answers too: a new attempt after a refusal needs a new key.
    attempts = models.PositiveIntegerField(default=0)
    failure = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    held_at = models.DateTimeField(_("held since"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken by"),
    )
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("settled by"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("damage deposit")
        verbose_name_plural = _("damage deposits")
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(status__in=["requested", "held", "settling", "captured", "released"]),
                name="deposit_one_current_per_entry",
            ),
            models.CheckConstraint(
                condition=Q(captured_minor__lte=models.F("amount_minor")),
                name="deposit_capture_not_above_amount",
            ),
            models.CheckConstraint(
                condition=Q(settle_capture_minor__isnull=True)
                | Q(settle_capture_minor__lte=models.F("amount_minor")),
                name="deposit_settling_not_above_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount_minor} {self.currency} ({self.status})"

    @property
    def amount(self) -> Decimal:
        from events.engine.money import from_minor_units

        return from_minor_units(self.amount_minor, self.currency)

    @property
    def captured(self) -> Decimal:
        from events.engine.money import from_minor_units

        return from_minor_units(self.captured_minor, self.currency)

    @property
    def checkout_idempotency_key(self) -> str:
        return f"paddock-deposit-{self.pk}-checkout"

    @property
    def settle_idempotency_key(self) -> str:
        return f"paddock-deposit-{self.pk}-settle-{self.attempts}"


class StripeEvent(models.Model):
    """Each Stripe event id is handled once: a redelivery finds its row and changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


class AuditLog(models.Model):
    """One row per change of an entry or a payment, written in the same transaction."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="audit_log", verbose_name=_("event")
    )
    entry = models.ForeignKey(
        Entry,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_log",
        verbose_name=_("entry"),
    )
    payment = models.ForeignKey(
        Payment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_log",
        verbose_name=_("payment"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.from_status}→{self.to_status}"


class RefundPolicy(models.Model):
    """What a driver gets back on cancelling; copied onto each entry when it is made."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="refund_policy", verbose_name=_("event")
    )
    full_refund_days = models.PositiveIntegerField(
        _("full refund until (days before the event)"), default=14
    )
    partial_refund_days = models.PositiveIntegerField(
        _("partial refund until (days before the event)"), default=3
    )
    partial_refund_percent = models.PositiveIntegerField(
        _("partial refund (%)"), default=50, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("refund policy")
        verbose_name_plural = _("refund policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(partial_refund_percent__lte=100), name="refund_policy_percent_max_100"
            ),
            models.CheckConstraint(
                condition=Q(partial_refund_days__lte=models.F("full_refund_days")),
                name="refund_policy_partial_after_full",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.as_tiers()}"

    def as_tiers(self) -> list[dict[str, int]]:
        return [
            {"days_before": self.full_refund_days, "percent": 100},
            {"days_before": self.partial_refund_days, "percent": self.partial_refund_percent},
        ]
