from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from events.models import Entry
from events.services.registration import accept_offer, cancel_entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def full_class_with_queue(
    make_entry_class: Any, event: Any, drivers: Any, register: Any, fake_stripe: Any
) -> Any:
    entry_class = make_entry_class(event, name="Solo", capacity=1)
    holder, first, second = drivers(3)
    held = register(holder, entry_class)
    waiting = [register(d, entry_class, join_waitlist=True) for d in (first, second)]
    return entry_class, held, waiting


def test_a_cancellation_offers_the_place_to_the_first_in_line_by_email(
    full_class_with_queue: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _entry_class, held, (first, second) = full_class_with_queue

    with django_capture_on_commit_callbacks(execute=True):
        cancel_entry(entry_id=held.pk, actor=held.driver)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Entry.Status.OFFERED
    assert first.place_number == 1
    assert first.expires_at is not None
    assert second.status == Entry.Status.WAITLISTED
    offers = [m for m in mail.outbox if first.driver.email in m.to]
    assert len(offers) == 1
    assert "offered" in offers[0].body


def test_an_expired_offer_moves_on_to_the_next(
    full_class_with_queue: Any, register: Any, drivers: Any
) -> None:
    entry_class, held, (first, second) = full_class_with_queue
    cancel_entry(entry_id=held.pk, actor=held.driver)

    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        (late,) = drivers(1, prefix="late")
        newcomer = register(late, entry_class, join_waitlist=True)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Entry.Status.EXPIRED
    assert second.status == Entry.Status.OFFERED
    assert newcomer.status == Entry.Status.WAITLISTED


def test_declining_moves_on_and_accepting_holds_the_place_for_payment(
    full_class_with_queue: Any,
) -> None:
    entry_class, held, (first, second) = full_class_with_queue
    cancel_entry(entry_id=held.pk, actor=held.driver)

    cancel_entry(entry_id=first.pk, actor=first.driver, reason="declined the offer")
    accepted = accept_offer(entry_id=second.pk, driver=second.driver)

    assert accepted.status == Entry.Status.HELD
    assert accepted.place_number == 1
    assert entry_class.places_left == 0


def test_someone_else_cannot_accept_an_offer(full_class_with_queue: Any) -> None:
    _entry_class, held, (first, second) = full_class_with_queue
    cancel_entry(entry_id=held.pk, actor=held.driver)

    with pytest.raises(Exception, match="not your entry"):
        accept_offer(entry_id=first.pk, driver=second.driver)


def test_the_cron_command_offers_a_lapsed_hold_to_the_waiting_list(
    full_class_with_queue: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.management import call_command

    _entry_class, held, (first, _second) = full_class_with_queue

    with (
        time_machine.travel(timezone.now() + timedelta(minutes=31), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("release_lapsed_holds")

    held.refresh_from_db()
    first.refresh_from_db()
    assert held.status == Entry.Status.EXPIRED
    assert first.status == Entry.Status.OFFERED
    assert [m.to for m in mail.outbox] == [[first.driver.email]]
