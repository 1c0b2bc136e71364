"""Audit rows and the locking rule shared by the registration and payment services.

Lock order, everywhere: the Event row first, then entries, then payments and refunds. Every writer
that touches places, entries or payments takes the event lock first, so two of them can never wait
on each other in opposite orders.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection

from events.models import AuditLog, Entry, Event, Payment


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
    set_lock_timeout(timeout_ms)
    return Event.objects.select_for_update().select_related("organization").get(pk=event_id)


def audit(
    *,
    entry: Entry,
    action: str,
    from_status: str = "",
    to_status: str = "",
    actor: Any = None,
    payment: Payment | None = None,
    detail: str = "",
) -> AuditLog:
    return AuditLog.objects.create(
        event_id=entry.event_id,
        entry=entry,
        payment=payment,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        detail=detail,
    )


def change_status(
    entry: Entry, to_status: str, *, action: str, actor: Any = None, detail: str = ""
) -> None:
    """Move an entry to a new status and write its audit row (the caller holds the locks)."""
    from_status = entry.status
    entry.status = to_status
    entry.save()
    audit(
        entry=entry,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        detail=detail,
    )
