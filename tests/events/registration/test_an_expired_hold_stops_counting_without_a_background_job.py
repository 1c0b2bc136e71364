from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from events.exceptions import ClassFull
from events.models import AuditLog, Entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_lapsed_hold_frees_its_place_for_the_next_driver(
    make_entry_class: Any, event: Any, drivers: Any, register: Any, fake_stripe: Any
) -> None:
    entry_class = make_entry_class(event, name="Solo", capacity=1)
    first, second = drivers(2)
    held = register(first, entry_class)
    with pytest.raises(ClassFull):
        register(second, entry_class)

    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=False):
        assert entry_class.places_left == 1  # nothing ran: the count itself ignores the lapse
        taken = register(second, entry_class)

    held.refresh_from_db()
    assert held.status == Entry.Status.EXPIRED
    assert held.place_number is None
    assert taken.status == Entry.Status.HELD
    assert taken.place_number == 1
    assert AuditLog.objects.filter(entry=held, action="hold_expired").count() == 1


def test_a_hold_still_counts_a_minute_before_it_lapses(
    make_entry_class: Any, event: Any, drivers: Any, register: Any, fake_stripe: Any
) -> None:
    entry_class = make_entry_class(event, name="Solo", capacity=1)
    first, second = drivers(2)
    register(first, entry_class)

    with time_machine.travel(timezone.now() + timedelta(minutes=29), tick=False):
        assert entry_class.places_left == 0
        with pytest.raises(ClassFull):
            register(second, entry_class)


def test_the_hold_length_comes_from_settings(
    event: Any, driver: Any, register: Any, fake_stripe: Any, settings: Any
) -> None:
    settings.PADDOCK_HOLD_MINUTES = 45

    entry = register(driver, event.entry_classes.get())

    assert entry.expires_at - entry.created_at == timedelta(minutes=45)


def test_a_driver_whose_hold_lapsed_may_enter_the_class_again(
    make_entry_class: Any, event: Any, driver: Any, register: Any, fake_stripe: Any
) -> None:
    # The lapsed hold is still HELD in the table until a writer takes the lock: the refusal of a
    # second entry, read before the lock, must not count it.
    entry_class = make_entry_class(event, name="Solo", capacity=1)
    lapsed = register(driver, entry_class)

    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=False):
        again = register(driver, entry_class)

    lapsed.refresh_from_db()
    assert lapsed.status == Entry.Status.EXPIRED
    assert again.status == Entry.Status.HELD
    assert again.place_number == 1
