"""One entry per driver per event, unless the class is open to drivers already entered."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from events.exceptions import RegistrationError
from events.models import Entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_second_ordinary_class_of_the_same_event_is_refused(
    event: Any, make_entry_class: Any, driver: Any, register: Any
) -> None:
    register(driver, event.entry_classes.get())
    second = make_entry_class(event, name="Sprint Cup")

    with pytest.raises(RegistrationError, match="already entered this event"):
        register(driver, second)
    assert Entry.objects.filter(driver=driver).count() == 1


def test_a_class_open_to_entered_drivers_takes_a_second_entry(
    event: Any, make_entry_class: Any, driver: Any, register: Any
) -> None:
    register(driver, event.entry_classes.get())
    support = make_entry_class(event, name="Support Race", allows_additional_entry=True)

    entry = register(driver, support)

    assert entry.exclusive is False
    assert Entry.objects.filter(driver=driver, status__in=Entry.ACTIVE_STATUSES).count() == 2


def test_an_open_class_is_still_entered_only_once(
    event: Any, make_entry_class: Any, driver: Any, register: Any
) -> None:
    support = make_entry_class(event, name="Support Race", allows_additional_entry=True)
    register(driver, support)

    with pytest.raises(RegistrationError, match="already entered this class"):
        register(driver, support)


def test_entering_an_open_class_first_still_leaves_one_ordinary_entry(
    event: Any, make_entry_class: Any, driver: Any, register: Any
) -> None:
    support = make_entry_class(event, name="Support Race", allows_additional_entry=True)
    second = make_entry_class(event, name="Sprint Cup")
    register(driver, support)
    register(driver, event.entry_classes.get(name="Rookie Cup"))

    with pytest.raises(RegistrationError, match="already entered this event"):
        register(driver, second)


def test_the_database_backs_the_rule(event: Any, make_entry_class: Any, driver: Any) -> None:
    first = event.entry_classes.get()
    second = make_entry_class(event, name="Sprint Cup")

    def entry(entry_class: Any, place: int, exclusive: bool = True) -> Entry:
        return Entry.objects.create(
            event=event,
            entry_class=entry_class,
            driver=driver,
            exclusive=exclusive,
            status=Entry.Status.CONFIRMED,
            place_number=place,
            fee_minor=0,
            currency="CNY",
        )

    entry(first, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        entry(second, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        entry(first, 2, exclusive=False)
    assert entry(second, 1, exclusive=False).pk
