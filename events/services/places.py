"""Places of an entry class: hold and offer durations, lapsed holds released, free places offered
to the waiting list in turn, car numbers. Callers hold the event lock (services/locking.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from events.models import Entry, EntryClass, Event
from events.services.audit import change_status
from events.services.locking import lock_entry
from events.services.notifications import email_after_commit


def hold_duration() -> timedelta:
    return timedelta(minutes=settings.PADDOCK_HOLD_MINUTES)


def offer_duration() -> timedelta:
    return timedelta(hours=settings.PADDOCK_WAITLIST_OFFER_HOURS)


# --- places -------------------------------------------------------------------------------------


def release_lapsed(*, event: Event, now: datetime) -> None:
    """Turn lapsed holds and offers into EXPIRED, free their places and offer them on.

    The caller holds the event lock.
    """
    lapsed = Entry.objects.select_for_update().filter(
        event=event, status__in=Entry.EXPIRING_STATUSES, expires_at__lte=now
    )
    freed = False
    for entry in lapsed:
        action = "offer_expired" if entry.status == Entry.Status.OFFERED else "hold_expired"
        entry.place_number = None
        entry.car_number = None
        change_status(entry, Entry.Status.EXPIRED, action=action)
        freed = True
    if freed:
        offer_free_places(event=event, now=now)


def free_place_numbers(*, entry_class: EntryClass) -> list[int]:
    """Place numbers of the class not held by any entry (the caller released lapsed ones)."""
    taken = set(
        Entry.objects.filter(entry_class=entry_class, place_number__isnull=False).values_list(
            "place_number", flat=True
        )
    )
    return [n for n in range(1, entry_class.capacity + 1) if n not in taken]


def offer_free_places(*, event: Event, now: datetime) -> None:
    """Offer every free place to the first in line of its class's waiting list, by e-mail."""
    for entry_class in event.entry_classes.all():
        waiting = list(
            Entry.objects.select_for_update()
            .filter(entry_class=entry_class, status=Entry.Status.WAITLISTED)
            .order_by("waitlisted_at", "pk")
        )
        if not waiting:
            continue
        for place, entry in zip(free_place_numbers(entry_class=entry_class), waiting, strict=False):
            entry.place_number = place
            entry.expires_at = now + offer_duration()
            change_status(entry, Entry.Status.OFFERED, action="waitlist_offer")
            email_after_commit(entry, "waitlist_offer")


def pick_car_number(*, entry_class: EntryClass, preferred: int | None) -> int | None:
    """The preferred number when it is in the class range and free, else the lowest free one."""
    used = set(
        Entry.objects.filter(event_id=entry_class.event_id, car_number__isnull=False).values_list(
            "car_number", flat=True
        )
    )
    low, high = entry_class.car_number_min, entry_class.car_number_max
    if low is None or high is None:
        return preferred if preferred is not None and preferred not in used else None
    if preferred is not None and low <= preferred <= high and preferred not in used:
        return preferred
    return next((n for n in range(low, high + 1) if n not in used), None)


# --- changes by the driver ----------------------------------------------------------------------


def lock_entry_releasing_lapsed(entry_id: int, *, now: datetime) -> tuple[Event, Entry]:
    """Lock the entry's event and the entry, releasing the event's lapsed holds in between."""
    return lock_entry(entry_id, under_event_lock=lambda event: release_lapsed(event=event, now=now))
