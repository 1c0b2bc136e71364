"""Reads of entries with their joins applied, and permission-checked getters."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from events.models import AuditLog, Deposit, Entry, Event, Payment


def _with_joins(queryset: QuerySet[Entry]) -> QuerySet[Entry]:
    return queryset.select_related(
        "event", "event__organization", "entry_class", "driver", "co_driver"
    ).prefetch_related(
        Prefetch("payments", queryset=Payment.objects.order_by("created_at")),
        Prefetch("deposits", queryset=Deposit.objects.order_by("created_at", "pk")),
    )


def driver_entries(user: Any) -> QuerySet[Entry]:
    return _with_joins(Entry.objects.filter(driver=user)).order_by("-event__starts_at", "-pk")


def entry_for_driver(user: Any, pk: int) -> Entry:
    """The driver's own entry; anyone else's is a 404, so entry ids reveal nothing."""
    entry = _with_joins(Entry.objects.filter(pk=pk, driver=user)).first()
    if entry is None:
        raise Http404
    return entry


def event_entries(
    event: Event, *, entry_class_id: int | None = None, status: str | None = None
) -> QuerySet[Entry]:
    queryset = Entry.objects.filter(event=event)
    if entry_class_id:
        queryset = queryset.filter(entry_class_id=entry_class_id)
    if status:
        queryset = queryset.filter(status=status)
    return _with_joins(queryset).order_by(
        "entry_class__position", "entry_class_id", "car_number", "pk"
    )


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
