"""Places of an entry class: hold and offer durations, lapsed holds released, free places offered
to the waiting list in turn, car numbers. Callers hold the event lock (services/locking.py), or
its share with the numbers claimed through `first_unclaimed`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection

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


def free_place_numbers(*, entry_class: EntryClass, taken: set[int] | None = None) -> list[int]:
    """Place numbers of the class not held by any entry (the caller released lapsed ones).
    `taken`: the class's place numbers held, if the caller read them already."""
    if taken is None:
        held = Entry.objects.filter(entry_class=entry_class, place_number__isnull=False)
        taken = {n for n in held.values_list("place_number", flat=True) if n is not None}
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
    candidates = car_number_candidates(entry_class=entry_class, preferred=preferred)
    return candidates[0] if candidates else None


def car_number_candidates(
    *, entry_class: EntryClass, preferred: int | None, used: set[int] | None = None
) -> list[int]:
    """The free car numbers the entry could get, best first: the preferred one when it is free
    (and in the class range, if the class has one), then the range's free numbers from the lowest.
    `used`: the event's car numbers given, if the caller read them already."""
    if used is None:
        given = Entry.objects.filter(event_id=entry_class.event_id, car_number__isnull=False)
        used = {n for n in given.values_list("car_number", flat=True) if n is not None}
    low, high = entry_class.car_number_min, entry_class.car_number_max
    if low is None or high is None:
        return [preferred] if preferred is not None and preferred not in used else []
    free = [n for n in range(low, high + 1) if n not in used]
    if preferred is not None and low <= preferred <= high and preferred not in used:
        free.remove(preferred)
        free.insert(0, preferred)
    return free


# Keys of the advisory locks below: (the class, a place number) and (the event, a car number).
# PostgreSQL's two-key advisory locks take 32-bit keys; two ids that share a key only make one
# number look taken a moment longer, as the unique constraints decide.
_KEY = 2**31


def place_claim_space(entry_class: EntryClass) -> int:
    return entry_class.pk % _KEY


def car_number_claim_space(entry_class: EntryClass) -> int:
    return -(entry_class.event_id % _KEY) - 1


def first_unclaimed(numbers: Sequence[int], *, space: int) -> int | None:
    """The first of `numbers` that no other open transaction is taking, claimed for this one
    until it ends (None: all are being taken). Registrations that take places side by side
    (events.services.registration) each skip the numbers the others are taking instead of
    picking the same lowest one and waiting on the unique index for the other's commit.

    A claim is only a hint: the entries' unique constraints decide, and a number taken and
    committed since the caller read the free ones still fails its insert. PostgreSQL: a
    transaction-scoped advisory lock per number, tried without waiting, all in one query (the
    numbers are tried in order and the scan stops at the first it gets). SQLite serializes
    writers, so there the first number is the one."""
    if not numbers:
        return None
    if connection.vendor != "postgresql":
        return numbers[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n FROM unnest(%s::integer[]) AS n WHERE pg_try_advisory_xact_lock(%s, n) LIMIT 1",
            [list(numbers), space],
        )
        row = cursor.fetchone()
    return int(row[0]) if row is not None else None


# --- changes by the driver ----------------------------------------------------------------------


def lock_entry_releasing_lapsed(entry_id: int, *, now: datetime) -> tuple[Event, Entry]:
    """Lock the entry's event and the entry, releasing the event's lapsed holds in between."""
    return lock_entry(entry_id, under_event_lock=lambda event: release_lapsed(event=event, now=now))
