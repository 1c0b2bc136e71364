"""Holding an event's row lock from another connection, to meet a writer with it (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from events.models import Event


@contextmanager
def event_lock_held(event_id: int, *, hold_seconds: float = 30) -> Iterator[None]:
    """Inside the block, another connection holds the event's row lock (for at most
    `hold_seconds`); it lets go when the block ends."""
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                Event.objects.select_for_update().get(pk=event_id)
                locked.set()
                release.wait(timeout=hold_seconds)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(timeout=10)
    try:
        yield
    finally:
        release.set()
        holder.join(timeout=30)
