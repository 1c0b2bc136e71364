"""The registration rush, on PostgreSQL where row locks are real: each thread its own connection."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection

from events.exceptions import ClassFull
from events.models import Entry

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("english")]

ATTEMPTS = 200
CAPACITY = 20
# PostgreSQL's default max_connections is 100 and other test processes share the server:
# all 200 threads start together, at most this many hold a connection at the same moment.
CONNECTIONS = 40


def rush(register: Any, entry_class: Any, drivers: list[Any], *, join_waitlist: bool) -> Counter:
    outcomes: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(len(drivers))
    gate = threading.BoundedSemaphore(CONNECTIONS)

    def attempt(driver: Any) -> None:
        start.wait()
        with gate:
            try:
                entry = register(driver, entry_class, join_waitlist=join_waitlist)
                outcome = entry.status
            except ClassFull:
                outcome = "refused"
            except Exception as exc:  # any other error is a failure of the test
                outcome = f"error: {type(exc).__name__}: {exc}"
            finally:
                connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=attempt, args=(d,)) for d in drivers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_two_hundred_attempts_on_twenty_places_hold_exactly_twenty(
    transactional_db: None,
    make_event: Any,
    make_entry_class: Any,
    drivers: Any,
    register: Any,
    fake_stripe: Any,
) -> None:
    event = make_event()
    entry_class = make_entry_class(event, capacity=CAPACITY, car_number_min=1, car_number_max=99)
    everyone = drivers(ATTEMPTS)

    outcomes = rush(register, entry_class, everyone, join_waitlist=False)

    assert outcomes == {Entry.Status.HELD: CAPACITY, "refused": ATTEMPTS - CAPACITY}
    held = Entry.objects.filter(entry_class=entry_class, status=Entry.Status.HELD)
    assert sorted(held.values_list("place_number", flat=True)) == list(range(1, CAPACITY + 1))
    assert len(set(held.values_list("car_number", flat=True))) == CAPACITY
    assert entry_class.places_left == 0


def test_with_the_waiting_list_the_rest_queue_up_in_order(
    transactional_db: None,
    make_event: Any,
    make_entry_class: Any,
    drivers: Any,
    register: Any,
    fake_stripe: Any,
) -> None:
    event = make_event()
    entry_class = make_entry_class(event, capacity=CAPACITY)
    everyone = drivers(ATTEMPTS)

    outcomes = rush(register, entry_class, everyone, join_waitlist=True)

    assert outcomes == {
        Entry.Status.HELD: CAPACITY,
        Entry.Status.WAITLISTED: ATTEMPTS - CAPACITY,
    }
    assert Entry.objects.filter(entry_class=entry_class, place_number__isnull=False).count() == (
        CAPACITY
    )
