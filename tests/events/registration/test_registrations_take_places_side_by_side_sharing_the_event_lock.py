"""Registrations of one event take their places side by side: each holds the event's lock in share
mode, skips the place and car numbers that the others are taking, and lets the unique constraints
decide. A writer of the event (an organizer's change, a cancellation) still waits for them all;
a number taken since it was read is read again; anything else falls back to the whole lock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction

from events.exceptions import AlreadyEntered
from events.models import AuditLog, Entry
from events.services import places, registration
from events.services.locking import lock_event, share_event

pytestmark = [pytest.mark.usefixtures("english")]


def held_in_another_transaction(
    take: Callable[[], object],
) -> tuple[threading.Event, threading.Thread]:
    """A thread with its own connection that runs `take` in a transaction and keeps it open
    until the returned event is set."""
    ready, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                take()
                ready.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert ready.wait(timeout=10)
    return release, thread


def other_registration_in_flight(
    event_id: int, entry_class: Any, *, place: int, car: int
) -> tuple[threading.Event, threading.Thread]:
    """Another transaction that holds the event's share and has claimed `place` and car number
    `car`, as a registration between its claims and its commit does."""

    def claim() -> None:
        share_event(event_id)
        places.first_unclaimed([place], space=places.place_claim_space(entry_class))
        places.first_unclaimed([car], space=places.car_number_claim_space(entry_class))

    return held_in_another_transaction(claim)


@pytest.mark.postgres
@pytest.mark.usefixtures("transactional_db")
def test_a_registration_goes_on_while_another_is_in_flight_and_skips_its_numbers(
    event: Any, drivers: Any, register: Any, settings: Any
) -> None:
    entry_class = event.entry_classes.get()
    entry_class.car_number_min, entry_class.car_number_max = 10, 99
    entry_class.save()
    (driver,) = drivers(1)
    # Under an exclusive lock this registration would wait for the other one and time out.
    settings.PADDOCK_REGISTRATION_LOCK_TIMEOUT_MS = 2000
    release, thread = other_registration_in_flight(event.pk, entry_class, place=1, car=10)
    try:
        entry = register(driver, entry_class)
        # An organizer's change still waits for every registration in flight.
        with pytest.raises(OperationalError), transaction.atomic():
            lock_event(event.pk, timeout_ms=200)
    finally:
        release.set()
        thread.join(timeout=30)

    assert (entry.place_number, entry.car_number) == (2, 11)
    # Once nobody is taking them, the lowest numbers are given again.
    (late,) = drivers(1, prefix="late")
    assert (
        register(late, entry_class).place_number,
        Entry.objects.get(driver=late).car_number,
    ) == (
        1,
        10,
    )


@pytest.mark.django_db
def test_a_place_taken_since_it_was_read_is_read_again(
    event: Any, drivers: Any, register: Any, monkeypatch: Any
) -> None:
    entry_class = event.entry_classes.get()
    first, second = drivers(2)
    register(first, entry_class)  # place 1
    read = places.free_place_numbers
    stale = [True]

    def free_place_numbers_read_a_moment_earlier(**kwargs: Any) -> list[int]:
        # The first read is from before the first driver's commit: place 1 looks free.
        if stale.pop() if stale else False:
            return [1, *read(**kwargs)]
        return read(**kwargs)

    monkeypatch.setattr(
        registration, "free_place_numbers", free_place_numbers_read_a_moment_earlier
    )

    entry = register(second, entry_class)

    assert entry.place_number == 2
    assert Entry.objects.filter(entry_class=entry_class).count() == 2
    # Written once, with the rows of both of its steps.
    actions = list(AuditLog.objects.filter(entry=entry).values_list("action", "to_status"))
    assert actions[:2] == [("place_taken", "held"), ("registered", entry.status)]


@pytest.mark.django_db
def test_a_lapsed_hold_sends_the_registration_to_the_whole_lock_which_releases_it(
    event: Any, drivers: Any, register: Any, monkeypatch: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    entry_class = event.entry_classes.get()
    entry_class.capacity = 1
    entry_class.save()
    first, second = drivers(2)
    held = register(first, entry_class)
    Entry.objects.filter(pk=held.pk).update(
        status=Entry.Status.HELD, expires_at=timezone.now() - timedelta(minutes=1)
    )
    whole_lock = []
    under_lock = registration._register_under_lock
    monkeypatch.setattr(
        registration,
        "_register_under_lock",
        lambda request: whole_lock.append(request.driver) or under_lock(request),
    )

    entry = register(second, entry_class)

    assert whole_lock == [second]
    assert entry.place_number == 1
    assert Entry.objects.get(pk=held.pk).status == Entry.Status.EXPIRED


@pytest.mark.django_db
def test_a_second_click_that_passed_the_check_with_the_first_is_stopped_by_the_constraints(
    event: Any, driver: Any, register: Any
) -> None:
    entry_class = event.entry_classes.get()
    first = register(driver, entry_class)
    # Holding a turn, as the entry page does after its own check: the service does not check
    # again before its first attempt, as when both clicks passed the check at the same moment.
    with (
        registration.turn_at_the_lock(event.pk, entry_class_id=entry_class.pk),
        pytest.raises(AlreadyEntered),
    ):
        register(driver, entry_class)

    assert list(Entry.objects.filter(driver=driver)) == [first]


@pytest.mark.postgres
@pytest.mark.usefixtures("transactional_db")
def test_sharing_the_lock_waits_a_bounded_time_for_a_writer(event: Any) -> None:
    release, writer = held_in_another_transaction(lambda: lock_event(event.pk))  # an organizer
    started = time.monotonic()
    try:
        with pytest.raises(OperationalError), transaction.atomic():
            share_event(event.pk, timeout_ms=300)
    finally:
        release.set()
        writer.join(timeout=30)
    assert time.monotonic() - started < 10
    # The bound was the transaction's own: the next one waits as long as its caller says.
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] != "300ms"
