"""An event's audit trail as its organizer's staff read it: filters, labels and readable rows.

Audit rows are written by the registration, payment and deposit services (events.services.audit)
and by live timing for transponder mappings. Rows keep the codes they were written with; this
module turns them into translated sentences at reading time, so a code added later that is not yet
known here is shown as the code itself rather than failing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from events.engine import money
from events.models import AuditLog, Deposit, Entry, Event, Payment, Refund
from racing.queries.drivers import staff_name

PAGE_SIZE = 50

ENTRIES, PAYMENTS, DEPOSITS, LIVE = "entries", "payments", "deposits", "live"

KINDS: list[tuple[str, Promise]] = [
    ("", _("All changes")),
    (ENTRIES, _("Entries")),
    (PAYMENTS, _("Payments and refunds")),
    (DEPOSITS, _("Damage deposits")),
    (LIVE, _("Live timing")),
]

# Every action code the services write, as a sentence about the entry (or the event).
ACTION_LABELS: dict[str, Promise] = {
    # entries
    "place_taken": _("Entered the event and took a place"),
    "waitlisted": _("Entered the event on the waiting list"),
    "registered": _("Entry registered"),
    "offer_accepted": _("Accepted the offered place"),
    "waitlist_offer": _("A freed place was offered from the waiting list"),
    "offer_expired": _("The offered place lapsed unanswered"),
    "hold_expired": _("The place lapsed unpaid"),
    "hold_extended": _("The place was held longer while the payment page is open"),
    "approved": _("Entry approved"),
    "rejected": _("Entry rejected"),
    "confirmed": _("Entry confirmed"),
    "co_driver_confirmed": _("Co-driver or navigator confirmed"),
    "cancelled_by_driver": _("Entry cancelled by the driver"),
    "cancelled_by_staff": _("Entry cancelled by the organizer"),
    "event_cancelled": _("Entry cancelled with the event"),
    "checked_in": _("Checked in"),
    "check_in_undone": _("Check-in undone"),
    "scrutineering": _("Scrutineering result recorded"),
    "transponder": _("Transponder changed"),
    "car_number": _("Car number changed"),
    # payments
    "payment_started": _("Online payment started"),
    "payment_due_at_track": _("Payment due at the track"),
    "payment_succeeded": _("Online payment received"),
    "payment_mismatch": _("The payment service reported a different amount: payment not accepted"),
    "payment_failed": _("Online payment failed"),
    "payment_expired": _("Payment page expired unpaid"),
    "payment_cancelled": _("Payment cancelled"),
    "paid_at_track": _("Marked paid at the track"),
    # refunds
    "refund_requested": _("Refund requested"),
    "refund_succeeded": _("Refund made through Stripe"),
    "refund_to_pay_in_person": _("Refund to be paid back in person"),
    "refund_failed": _("Refund failed"),
    "refund_recorded": _("Refund made in the Stripe dashboard recorded"),
    # fapiao
    "fapiao_requested": _("Fapiao requested"),
    "fapiao_issued": _("Fapiao issued"),
    "fapiao_reversal_due": _("Refunded after the fapiao was issued: red-letter reversal due"),
    "fapiao_reversed": _("Red-letter fapiao issued"),
    "fapiao_withdrawn": _("Fapiao request withdrawn: everything was refunded"),
    # damage deposits
    "deposit_held": _("Deposit held at the track"),
    "deposit_requested": _("Card authorisation for the deposit requested"),
    "deposit_withdrawn": _("Deposit request withdrawn"),
    "deposit_failed": _("Deposit request failed"),
    "deposit_expired": _("Deposit authorisation link expired"),
    "deposit_authorised": _("Deposit authorised on the driver's card"),
    "deposit_authorisation_refused": _("Deposit authorisation refused"),
    "deposit_settling": _("Deposit being settled"),
    "deposit_settle_failed": _("Deposit settlement failed"),
    "deposit_captured": _("Deposit kept for damage"),
    "deposit_released": _("Deposit released"),
    "deposit_to_hand_back": _("Entry cancelled: cash deposit to hand back"),
    "deposit_lapsed": _("Deposit authorisation lapsed at Stripe"),
    "deposit_authorisation_cancelled": _("Deposit authorisation cancelled at Stripe"),
    # regularity controls and stamps
    "stamp_added": _("Stamp entered by an official"),
    "stamp_voided": _("Stamp voided by an official"),
    "stamps_imported": _("Stamps imported from a CSV file"),
    "control_token_revoked": _("A control's QR code was revoked"),
    # live timing
    "live_transponder": _("Live timing: transponder mapping set"),
    "live_transponder_removed": _("Live timing: transponder mapping removed"),
    "timed_run_corrected": _("Timed runs: a run was corrected"),
    # kart meetings and efficiency runs
    "grid_made": _("Kart meeting: a grid was made"),
    "karts_drawn": _("Kart meeting: karts were drawn"),
    "driver_weighed": _("Kart meeting: a driver was weighed"),
    "efficiency_run_corrected": _("Efficiency run: a car's run was corrected"),
}

# Rows without a person were written by Paddock itself, or on a payment service's word (its
# webhook or notification, or its answer to a call made for a payment, refund or deposit): the
# row's payment says which service (WeChat Pay, Alipay), Stripe otherwise.
STRIPE_ACTIONS = frozenset(
    {
        "payment_succeeded",
        "payment_mismatch",
        "payment_failed",
        "payment_expired",
        "confirmed",
        "refund_succeeded",
        "refund_failed",
        "refund_recorded",
        "deposit_failed",
        "deposit_expired",
        "deposit_authorised",
        "deposit_authorisation_refused",
        "deposit_settle_failed",
        "deposit_captured",
        "deposit_released",
        "deposit_lapsed",
        "deposit_authorisation_cancelled",
    }
)

_PAYMENT_Q = (
    Q(action__startswith="payment_") | Q(action__startswith="refund_") | Q(action="paid_at_track")
)
_DEPOSIT_Q = Q(action__startswith="deposit_")
_LIVE_Q = Q(action__startswith="live_")


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def _status_label(action: str, code: str) -> str:
    """A status code in the words of the thing whose status it is."""
    if not code:
        return ""
    if action == "scrutineering":
        choices: Any = Entry.Scrutineering
    elif action.startswith("refund_"):
        choices = Refund.Status
    elif action.startswith("payment_") or action == "paid_at_track":
        choices = Payment.Status
    elif action.startswith("deposit_"):
        choices = Deposit.Status
    else:
        choices = Entry.Status
    labels = dict(choices.choices)
    return str(labels.get(code, code))


_MINOR_AMOUNT = re.compile(r"^(\d+) ([A-Z]{3})\b(.*)$", re.DOTALL)
_LIVE_DETAIL = re.compile(r"^live #(\d+) T(.*)$", re.DOTALL)
# Services write moments into details as ISO 8601 with an offset (UTC): "hold_extended" does.
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")
_AMOUNT_IN_MINOR_UNITS = frozenset(
    {
        "refund_requested",
        "refund_succeeded",
        "refund_to_pay_in_person",
        "refund_recorded",
    }
)


def detail_text(action: str, detail: str, zone: tzinfo | None = None) -> str:
    """The free-text detail, with amounts in minor units and live references made readable, and
    moments shown in `zone` (the event's time zone; the current one if not given)."""
    detail = _MOMENT.sub(lambda match: _local_moment(match.group(0), zone), detail)
    if action in _AMOUNT_IN_MINOR_UNITS:
        match = _MINOR_AMOUNT.match(detail)
        if match:
            amount = money.from_minor_units(int(match.group(1)), match.group(2))
            return f"{amount} {match.group(2)}{match.group(3)}"
    if action.startswith("live_"):
        match = _LIVE_DETAIL.match(detail)
        if match:
            return gettext("Live session %(id)s, transponder %(change)s") % {
                "id": match.group(1),
                "change": match.group(2),
            }
    return detail


def _local_moment(text: str, zone: tzinfo | None) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class AuditRow:
    at: datetime
    actor: str
    entry: Entry | None
    action: str
    sentence: str
    change: str
    detail: str

    @property
    def entry_label(self) -> str:
        return entry_label(self.entry)


def entry_label(entry: Entry | None) -> str:
    if entry is None:
        return gettext("event")
    name = staff_name(entry.driver)
    return f"{name} #{entry.car_number}" if entry.car_number is not None else name


def actor_label(row: AuditLog) -> str:
    """Who made the change: a person, the payment service whose word it was, or Paddock."""
    if row.actor is not None:
        return staff_name(row.actor)
    if row.action not in STRIPE_ACTIONS:
        return gettext("system")
    payment = row.payment
    if payment is not None and payment.method in (Payment.Method.WECHATPAY, Payment.Method.ALIPAY):
        return str(payment.get_method_display())
    return "Stripe"


def change_text(row: AuditLog) -> str:
    """The status before and after, in words ("Pending → Paid"), or "" if none was recorded."""
    before = _status_label(row.action, row.from_status)
    after = _status_label(row.action, row.to_status)
    return f"{before or '—'} → {after}" if after else before


def present(row: AuditLog, event: Event) -> AuditRow:
    return AuditRow(
        at=event.local(row.created_at),
        actor=actor_label(row),
        entry=row.entry,
        action=row.action,
        sentence=action_label(row.action),
        change=change_text(row),
        detail=detail_text(row.action, row.detail, event.zone),
    )


def audit_rows(event: Event, filters: dict[str, Any]) -> QuerySet[AuditLog]:
    """The event's audit rows, newest first, narrowed by the filter form's valid values."""
    rows = AuditLog.objects.filter(event=event)
    kind = filters.get("kind")
    if kind == PAYMENTS:
        rows = rows.filter(_PAYMENT_Q)
    elif kind == DEPOSITS:
        rows = rows.filter(_DEPOSIT_Q)
    elif kind == LIVE:
        rows = rows.filter(_LIVE_Q)
    elif kind == ENTRIES:
        rows = rows.exclude(_PAYMENT_Q | _DEPOSIT_Q | _LIVE_Q)
    query = " ".join((filters.get("q") or "").split()).lstrip("#")
    if query:
        rows = _search(rows, query)
    zone = event.zone
    since: date | None = filters.get("since")
    until: date | None = filters.get("until")
    if since:
        rows = rows.filter(created_at__gte=datetime.combine(since, time(), tzinfo=zone))
    if until:
        end = datetime.combine(until, time(), tzinfo=zone) + timedelta(days=1)
        rows = rows.filter(created_at__lt=end)
    return rows.select_related(
        "entry", "entry__driver__driver_profile", "actor__driver_profile", "payment"
    ).order_by("-created_at", "-pk")


def _search(rows: QuerySet[AuditLog], query: str) -> QuerySet[AuditLog]:
    """The driver's name in any order (张敏, Min Zhang, Zhang Min), e-mail, or the car number."""
    first, last = "entry__driver__first_name", "entry__driver__last_name"
    rows = rows.annotate(
        _given_first=Concat(first, Value(" "), last),
        _family_first=Concat(last, Value(" "), first),
        _family_first_joined=Concat(last, first),
    )
    match = (
        Q(_given_first__icontains=query)
        | Q(_family_first__icontains=query)
        | Q(_family_first_joined__icontains=query)
        | Q(entry__driver__email__icontains=query)
        | Q(entry__driver__driver_profile__name_zh__icontains=query)
        | Q(entry__driver__driver_profile__name_latin__icontains=query)
    )
    if query.isdigit() and len(query) < 10:
        match |= Q(entry__car_number=int(query))
    return rows.filter(match)
