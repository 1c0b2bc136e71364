"""Audit rows and the locking rule shared by the registration and payment services."""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from events.models import Event


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
