"""Reads of entries with their joins applied, and permission-checked getters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from config.crypto import lookup_hash
from events.models import AuditLog, Deposit, Entry, Event, Payment
from events.queries.privacy import ACTIVE_STATUSES
from racing.engine.eligibility import age_in_year, age_on
from racing.engine.masking import mask_phone, mask_text
from racing.models import DriverProfile, Licence, Vehicle
from racing.queries.drivers import licences_of, profile_for_user


def _with_joins(queryset: QuerySet[Entry]) -> QuerySet[Entry]:
    return queryset.select_related(
        "event",
        "event__organization",
        "entry_class",
        "driver__driver_profile",
        "co_driver",
        "vehicle",
    ).prefetch_related(
        Prefetch("payments", queryset=Payment.objects.order_by("created_at")),
        Prefetch("deposits", queryset=Deposit.objects.order_by("created_at", "pk")),
    )


# The refusals of an opening rush all run it: written out rather than built by the ORM, which
# cost more than the statement. Only placeholders are formatted in: statuses and the moment are
# parameters.
_COUNTING_NOW_SQL = (  # noqa: S608
    "SELECT entry_class_id, exclusive FROM events_entry"
    " WHERE event_id = %s AND driver_id = %s AND status IN ({active})"
    " AND (status NOT IN ({expiring}) OR expires_at > %s)"
).format(
    active=", ".join(["%s"] * len(Entry.ACTIVE_STATUSES)),
    expiring=", ".join(["%s"] * len(Entry.EXPIRING_STATUSES)),
)


def entries_counting_now(*, driver_id: int, event_id: int, now: datetime) -> list[tuple[int, bool]]:
    """The class and exclusivity of each of the driver's entries in the event that counts at
    `now`: on the waiting list, or holding a place (a hold or an offer that lapsed before `now`
    does not, whether or not it was released yet)."""
    params: list[Any] = [
        event_id,
        driver_id,
        *Entry.ACTIVE_STATUSES,
        *Entry.EXPIRING_STATUSES,
        connection.ops.adapt_datetimefield_value(now),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_COUNTING_NOW_SQL, params)
        return [(class_id, bool(exclusive)) for class_id, exclusive in cursor.fetchall()]


def driver_entries(user: Any) -> QuerySet[Entry]:
    return _with_joins(Entry.objects.filter(driver=user)).order_by("-event__starts_at", "-pk")


def entry_for_driver(user: Any, pk: int) -> Entry:
    """The driver's own entry; anyone else's is a 404, so entry ids reveal nothing."""
    entry = _with_joins(Entry.objects.filter(pk=pk, driver=user)).first()
    if entry is None:
        raise Http404
    return entry


def event_entries(
    event: Event,
    *,
    entry_class_id: int | None = None,
    status: str | None = None,
    search: str = "",
) -> QuerySet[Entry]:
    queryset = Entry.objects.filter(event=event)
    if entry_class_id:
        queryset = queryset.filter(entry_class_id=entry_class_id)
    if status:
        queryset = queryset.filter(status=status)
    for word in search.split()[:5]:
        queryset = queryset.filter(_matches(word))
    return (
        _with_joins(queryset)
        .select_related("driver__driver_profile")
        .order_by("entry_class__position", "entry_class_id", "car_number", "pk")
    )


# The shortest identity document number searched for (passports have 8 or 9 characters).
ID_NUMBER_MIN_LENGTH = 8


def _matches(word: str) -> Q:
    """A car number exactly (at the desk "7" must not find 17 and 71), part of a name, or a
    whole identity document number."""
    names = (
        Q(driver__first_name__icontains=word)
        | Q(driver__last_name__icontains=word)
        | Q(driver__email__icontains=word)
        | Q(driver__driver_profile__name_zh__icontains=word)
        | Q(driver__driver_profile__name_latin__icontains=word)
    )
    if word.isdigit() and len(word) < 10:
        return names | Q(car_number=int(word))
    if len(word) >= ID_NUMBER_MIN_LENGTH and any(ch.isdigit() for ch in word):
        # An identity document number: encrypted, so matched by its keyed hash, whole.
        return names | Q(driver__driver_profile__id_number_hash=lookup_hash(word))
    return names


def entry_for_staff(event: Event, pk: int) -> Entry:
    entry = (
        _with_joins(Entry.objects.filter(event=event, pk=pk))
        .prefetch_related(
            Prefetch("audit_log", queryset=AuditLog.objects.select_related("actor", "payment")),
            "payments__refunds",
        )
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def entered_organization_ids(user_id: int) -> set[int]:
    """Organizations whose events this user has entered (any status but expired/rejected)."""
    return set(
        Entry.objects.filter(driver_id=user_id)
        .exclude(status__in=[Entry.Status.EXPIRED, Entry.Status.REJECTED])
        .values_list("event__organization_id", flat=True)
    )


def count_events_started(user_id: int, before: date) -> int:
    """Distinct events, on a local date before `before`, with a confirmed entry of this driver.

    Racing's eligibility rules for licences issued on the spot ask for it (through racing.hooks).
    Cancelled entries and cancelled events do not count; a confirmed entry counts whether or not
    the driver was checked in, as not every organizer uses check-in.
    """
    # A day of margin for time zones; the exact cut is on each event's own local date.
    rows = (
        Entry.objects.filter(
            driver_id=user_id,
            status=Entry.Status.CONFIRMED,
            event__starts_at__lt=datetime.combine(before + timedelta(days=1), time(), tzinfo=UTC),
        )
        .exclude(event__status=Event.Status.CANCELLED)
        .values_list("event_id", "event__starts_at", "event__time_zone")
    )
    return len(
        {
            event_id
            for event_id, starts_at, zone in rows
            if starts_at.astimezone(ZoneInfo(zone)).date() < before
        }
    )


@dataclass(frozen=True)
class DriverFacts:
    """What staff weigh before approving an entry: who the driver is, what they hold and drive."""

    profile: DriverProfile | None
    licences: list[Licence]
    vehicles: list[Vehicle]  # the entered vehicle, while it is still in the driver's garage
    event_year: int
    # Karting youth classes count the age reached during the event's year; others completed
    # years on the event date. Staff see both, as the class's rules may use either.
    age_in_event_year: int | None
    age_on_event_day: int | None


def driver_facts(entry: Entry) -> DriverFacts:
    event_day = entry.event.local(entry.event.starts_at).date()
    profile = profile_for_user(entry.driver)
    birth = profile.date_of_birth if profile else None
    return DriverFacts(
        profile=profile,
        licences=list(licences_of(profile)) if profile else [],
        vehicles=[entry.vehicle] if entry.vehicle else [],
        event_year=event_day.year,
        age_in_event_year=age_in_year(birth, event_day.year) if birth else None,
        age_on_event_day=age_on(birth, event_day) if birth else None,
    )


def with_sign_on_details(queryset: QuerySet[Entry]) -> QuerySet[Entry]:
    """Entries with what a sign-on sheet needs from the profile, in a fixed number of queries."""
    return queryset.prefetch_related(
        Prefetch(
            "driver__driver_profile__licences",
            queryset=Licence.objects.select_related("issuer").order_by("valid_to", "pk"),
        ),
        "driver__driver_profile__emergency_contacts",
    )


def sign_on_cells(entry: Entry, event_day: date) -> list[str]:
    """Real name, date of birth, licences valid on the event day, emergency contacts (masked)."""
    profile: DriverProfile | None = getattr(entry.driver, "driver_profile", None)
    if profile is None:
        return ["", "", "", ""]
    licences = [
        f"{licence.issuer.code} {licence.number}"
        for licence in profile.licences.all()
        if licence.valid_from <= event_day <= licence.valid_to
    ]
    # Masked, like every staff view of private data (racing.queries.privacy), and only for an
    # entry that still gives staff access: the full number is one recorded reveal away.
    contacts = (
        [
            f"{mask_text(contact.name)} ({contact.relationship}) {mask_phone(contact.phone)}"
            for contact in profile.emergency_contacts.all()
        ]
        if entry.status in ACTIVE_STATUSES
        else []
    )
    return [
        profile.display_name,
        profile.date_of_birth.isoformat(),
        "; ".join(licences),
        "; ".join(contacts),
    ]


def paid_minor(entry: Entry) -> int:
    """What the driver has paid and not yet had back, in minor units."""
    return sum(
        payment.amount_minor - payment.refunded_minor
        for payment in entry.payments.all()
        if payment.status == Payment.Status.SUCCEEDED
    )
