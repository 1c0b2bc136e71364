"""A registration waiting for its turn at the event lock checks again whenever a turn ends, and
is refused as soon as the class is full, without waiting for a turn of its own (PostgreSQL: the
waiting registration runs in a thread with its own connection)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from events.exceptions import ClassFull
from events.models import Entry
from tests.events.registration.test_a_rush_is_answered_without_building_the_form_or_queueing_every_driver_at_the_lock import (
    hold_every_turn,
    let_go,
)

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("english", "transactional_db")]


def test_a_driver_waiting_for_a_turn_is_refused_as_soon_as_the_class_fills(
    register: Any, event: Any, drivers: Any, settings: Any
) -> None:
    settings.PADDOCK_REGISTRATION_LOCK_TIMEOUT_MS = 30_000
    entry_class = event.entry_classes.get()
    entry_class.capacity = 1
    entry_class.save()
    first, late = drivers(2)
    release, threads = hold_every_turn(event.pk)
    outcome: list[BaseException] = []

    def wait_then_register() -> None:
        try:
            register(late, entry_class)
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    waiting = threading.Thread(target=wait_then_register)
    waiting.start()
    try:
        # The late driver passed its first check (a place was free) and waits for a turn. The
        # first driver takes the place meanwhile; when any turn ends, the waiter checks again.
        Entry.objects.create(
            event=event,
            entry_class=entry_class,
            driver=first,
            status=Entry.Status.CONFIRMED,
            fee_minor=80000,
            place_number=1,
        )
    finally:
        let_go(release, threads)
        waiting.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], ClassFull), outcome
    assert not Entry.objects.filter(driver=late).exists()
