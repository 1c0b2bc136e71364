"""While one registration holds the event's row lock, the drivers who cannot get a place anyway
(the class is full, or they already entered) are answered at once instead of queueing behind it.

PostgreSQL, where the lock is real: a thread holds SELECT ... FOR UPDATE on the event row in its own
transaction for the whole test. The lock wait is shortened so that a refusal that queued for the
lock would show up as a lock timeout rather than a slow pass.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction

from events.exceptions import ClassFull, RegistrationError
from events.models import Entry, Event

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("english")]


@pytest.fixture
def event_locked_elsewhere(transactional_db: None, settings: Any) -> Iterator[Any]:
    """lock(event): hold the event's row lock from another connection until the test ends."""
    settings.PADDOCK_REGISTRATION_LOCK_TIMEOUT_MS = 3000
    locked, release = threading.Event(), threading.Event()
    threads: list[threading.Thread] = []

    def hold(event_id: int) -> None:
        try:
            with transaction.atomic():
                Event.objects.select_for_update().get(pk=event_id)
                locked.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    def lock(event: Any) -> None:
        thread = threading.Thread(target=hold, args=(event.pk,))
        thread.start()
        threads.append(thread)
        assert locked.wait(timeout=10), "the other transaction did not get the lock"

    yield lock
    release.set()
    for thread in threads:
        thread.join(timeout=10)


def test_a_full_class_is_refused_while_another_transaction_holds_the_event(
    event_locked_elsewhere: Any,
    make_event: Any,
    make_entry_class: Any,
    drivers: Any,
    register: Any,
) -> None:
    event = make_event()
    entry_class = make_entry_class(event, capacity=1, fee=0)
    first, late = drivers(2)
    register(first, entry_class)
    event_locked_elsewhere(event)

    started = time.monotonic()
    with pytest.raises(ClassFull):
        register(late, entry_class)

    assert time.monotonic() - started < 2
    assert Entry.objects.filter(driver=late).count() == 0


def test_a_second_entry_in_the_same_class_is_refused_while_the_event_is_locked(
    event_locked_elsewhere: Any,
    make_event: Any,
    make_entry_class: Any,
    driver: Any,
    register: Any,
) -> None:
    event = make_event()
    entry_class = make_entry_class(event, capacity=10, fee=0)
    register(driver, entry_class)
    event_locked_elsewhere(event)

    started = time.monotonic()
    with pytest.raises(RegistrationError, match="already entered this class"):
        register(driver, entry_class)

    assert time.monotonic() - started < 2
    assert Entry.objects.filter(driver=driver).count() == 1


def test_an_entry_in_another_class_of_the_event_is_refused_while_the_event_is_locked(
    event_locked_elsewhere: Any,
    make_event: Any,
    make_entry_class: Any,
    driver: Any,
    register: Any,
) -> None:
    event = make_event()
    sprint = make_entry_class(event, name="Sprint", capacity=10, fee=0)
    endurance = make_entry_class(event, name="Endurance", capacity=10, fee=0)
    register(driver, sprint)
    event_locked_elsewhere(event)

    with pytest.raises(RegistrationError, match="already entered this event"):
        register(driver, endurance)

    assert Entry.objects.filter(driver=driver).count() == 1
