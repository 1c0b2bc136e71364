from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from events.exceptions import ClassFull
from events.models import AuditLog, Entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_driver_takes_a_held_place_with_an_expiry(
    event: Any, driver: Any, register: Any, fake_stripe: Any
) -> None:
    entry_class = event.entry_classes.get()

    entry = register(driver, entry_class)

    assert entry.status == Entry.Status.HELD
    assert entry.place_number == 1
    assert entry.fee_minor == 80000
    assert entry.currency == "CNY"
    assert entry.refund_policy
    assert entry.expires_at is not None
    assert entry.expires_at - entry.created_at == timedelta(minutes=30)
    assert entry_class.places_left == 23
    assert AuditLog.objects.filter(entry=entry, action="place_taken").count() == 1


def test_a_full_class_refuses_or_waitlists(
    make_entry_class: Any, event: Any, drivers: Any, register: Any, fake_stripe: Any
) -> None:
    entry_class = make_entry_class(event, name="Tiny", capacity=2)
    first, second, third, fourth = drivers(4)
    register(first, entry_class)
    register(second, entry_class)

    with pytest.raises(ClassFull):
        register(third, entry_class)
    waiting = register(fourth, entry_class, join_waitlist=True)

    assert waiting.status == Entry.Status.WAITLISTED
    assert waiting.place_number is None
    assert Entry.objects.filter(entry_class=entry_class, place_number__isnull=False).count() == 2


def test_the_database_refuses_two_entries_on_one_place(
    event: Any, drivers: Any, register: Any, fake_stripe: Any
) -> None:
    entry_class = event.entry_classes.get()
    first, second = drivers(2)
    entry = register(first, entry_class)

    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            event=event,
            entry_class=entry_class,
            driver=second,
            status=Entry.Status.CONFIRMED,
            place_number=entry.place_number,
            fee_minor=0,
            currency="CNY",
        )


def test_a_driver_cannot_enter_the_same_event_twice(
    event: Any, driver: Any, register: Any, fake_stripe: Any
) -> None:
    entry_class = event.entry_classes.get()
    register(driver, entry_class)

    with pytest.raises(Exception, match="already entered"):
        register(driver, entry_class)
