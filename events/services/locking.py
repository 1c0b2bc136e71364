"""Row locks for every writer of events and entries, each with a bounded wait.

The order is always the event first, then the entry (then its payments, deposits, refunds): a
writer that holds a lower lock never waits for a higher one, so two writers cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import connection

from events.models import Entry, Event


def set_lock_timeout(milliseconds: int | None = None) -> None:
    """Give up waiting for a row lock after a while (PostgreSQL), so a webhook can answer 503.

    SQLite has its own busy timeout (settings: OPTIONS.timeout); it raises OperationalError too.
    """
    if connection.vendor == "postgresql":
        if milliseconds is None:
            milliseconds = settings.PADDOCK_LOCK_TIMEOUT_MS
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {int(milliseconds)}")


def lock_event(event_id: int, *, timeout_ms: int | None = None) -> Event:
    """Lock the event row, waiting at most `timeout_ms` (default PADDOCK_LOCK_TIMEOUT_MS)."""
    set_lock_timeout(timeout_ms)
    return Event.objects.select_for_update().select_related("organization").get(pk=event_id)


def share_event(event_id: int, *, timeout_ms: int | None = None) -> Event:
    """Lock the event row in share mode (PostgreSQL's FOR SHARE): any number of registrations
    may hold it at once, while every writer of the event or its entries (`lock_event`, FOR
    UPDATE, and any UPDATE of the row) waits for them all, and they for it. Registrations that
    share it are kept apart by the entries' unique constraints instead (place, car number, one
    active entry per driver). SQLite serializes writers itself: there it is a plain read."""
    if connection.vendor == "postgresql":
        if timeout_ms is None:
            timeout_ms = settings.PADDOCK_LOCK_TIMEOUT_MS
        with connection.cursor() as cursor:
            # The bounded wait is set in the same statement, before the row is locked (the
            # condition is evaluated as the row is read, which comes before locking it): one
            # round trip instead of two, as every registration of a rush takes this lock.
            cursor.execute(
                "SELECT 1 FROM events_event WHERE id = %s"
                " AND set_config('lock_timeout', %s, true) IS NOT NULL FOR SHARE",
                [event_id, f"{int(timeout_ms)}ms"],
            )
            if cursor.fetchone() is None:
                raise Event.DoesNotExist
    return Event.objects.select_related("organization").get(pk=event_id)


def lock_entry(
    entry_id: int,
    *,
    related: Sequence[str] = (),
    under_event_lock: Callable[[Event], object] | None = None,
) -> tuple[Event, Entry]:
    """Lock the entry's event, then the entry (with its class and the `related` rows joined).

    `under_event_lock` runs once the event is locked and before the entry is read, so the entry
    comes back as that step left it (the places service releases lapsed holds there).
    """
    event_id = Entry.objects.values_list("event_id", flat=True).get(pk=entry_id)
    event = lock_event(event_id)
    if under_event_lock is not None:
        under_event_lock(event)
    entry = (
        Entry.objects.select_for_update().select_related("entry_class", *related).get(pk=entry_id)
    )
    entry.event = event
    return event, entry
