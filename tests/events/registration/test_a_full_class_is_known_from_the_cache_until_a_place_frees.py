"""Once a request has counted a class full, the refusals of a rush learn it from the cache
(events.services.full_classes): they read neither the class nor its places, and never queue for
the event's lock. The marker is forgotten as soon as a place may have freed (a cancellation, a
rejection, a new capacity, a lapsed hold), so no driver is refused a free place; and a marker
written from a count made before such a change is ignored.

A class found full from the cache's marker is also known full in the server process for a second
(events.views.entries: `_full_by_slug`), so that the refusals that follow make no round trip to
the cache at all: whatever this process does that may free a place ends it at once, a change
made by another process is seen once the second is over, and it never outlives the marker."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Entry
from events.services import full_classes, page_cache
from events.services.registration import KNOWN_FULL_SECONDS, cancel_entry, reject_entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def entry_class(event: Any) -> Any:
    entry_class = event.entry_classes.get()
    entry_class.capacity = 1
    entry_class.save()
    return entry_class


@pytest.fixture
def post(client: Any, event: Any, entry_class: Any) -> Any:
    def send(driver: Any, *, language: str = "en", sql: list[str] | None = None, **extra: Any):
        client.force_login(driver)
        event.refresh_from_db()
        data = {"entry_class": f"{entry_class.pk}:80000", "event_sequence": event.sequence}
        data.update(extra)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                f"/events/{event.slug}/enter/", data, HTTP_ACCEPT_LANGUAGE=language
            )
        if sql is not None:
            sql.extend(q["sql"] for q in captured.captured_queries)
        return response

    return send


def refused_full(response: Any) -> bool:
    page = response.content.decode()
    return response.status_code == 409 and (
        "This class is full. You can join its waiting list." in page
        or "该组别已满。您可以加入候补名单。" in page
    )


def hold_the_place(event: Any, entry_class: Any, holder: Any, *, lapses: Any) -> None:
    Entry.objects.create(
        event=event,
        entry_class=entry_class,
        driver=holder,
        status=Entry.Status.HELD,
        place_number=1,
        fee_minor=80000,
        currency="CNY",
        expires_at=lapses,
    )


def test_once_counted_full_a_refusal_reads_only_the_drivers_entries(
    post: Any, drivers: Any, entry_class: Any
) -> None:
    winner, first_late, late = drivers(3)
    assert post(winner).status_code == 302
    assert refused_full(post(first_late))  # counts the places, and remembers

    sql: list[str] = []
    refused = post(late, sql=sql)

    assert refused_full(refused)
    # session, user, the driver's entries (what a second click needs): as many reads as the
    # smallest signed-in view; the event and the marker come from the cache; no class, no count,
    # no lock.
    assert len(sql) <= 3, sql
    assert not any('FROM "events_entryclass"' in q for q in sql)
    assert not any("COUNT(" in q or "FOR UPDATE" in q or "lock_timeout" in q for q in sql)
    assert Entry.objects.filter(entry_class=entry_class).count() == 1


def test_a_second_click_on_a_known_full_class_is_told_the_driver_already_entered(
    post: Any, drivers: Any
) -> None:
    winner, late = drivers(2)
    assert post(winner).status_code == 302
    assert refused_full(post(late))

    again = post(winner)

    assert again.status_code == 409
    assert "You have already entered this class." in again.content.decode()


def test_both_languages_hear_that_the_class_is_full(post: Any, drivers: Any) -> None:
    winner, late, later = drivers(3)
    assert post(winner).status_code == 302

    counted = post(late, language="zh-hans")
    from_the_cache = post(later, language="zh-hans")
    in_english = post(later, language="en")

    for response in (counted, from_the_cache):
        assert "该组别已满。您可以加入候补名单。" in response.content.decode()
        assert "加入候补名单" in response.content.decode()  # the waiting list button
    assert "This class is full. You can join its waiting list." in in_english.content.decode()
    again = post(winner, language="zh-hans")
    assert "您已报名该组别。" in again.content.decode()


def test_a_cancellation_lets_the_next_driver_in_at_once(post: Any, drivers: Any) -> None:
    winner, late = drivers(2)
    assert post(winner).status_code == 302
    assert refused_full(post(late))  # counted
    assert refused_full(post(late))  # read from the cache: known full in this process too

    cancel_entry(entry_id=Entry.objects.get(driver=winner).pk, actor=winner)

    assert post(late).status_code == 302
    assert Entry.objects.get(driver=late).status == Entry.Status.CONFIRMED


def test_a_rejection_lets_the_next_driver_in_at_once(
    post: Any, drivers: Any, entry_class: Any, organizer: Any
) -> None:
    entry_class.approval_required = True
    entry_class.save()
    waiting_for_approval, late = drivers(2)
    assert post(waiting_for_approval).status_code == 302
    assert refused_full(post(late))  # counted
    assert refused_full(post(late))  # read from the cache: known full in this process too

    reject_entry(entry_id=Entry.objects.get(driver=waiting_for_approval).pk, actor=organizer)

    assert post(late).status_code == 302
    assert Entry.objects.get(driver=late).status == Entry.Status.PENDING_APPROVAL


def test_a_larger_capacity_lets_the_next_driver_in_at_once(
    post: Any, drivers: Any, entry_class: Any
) -> None:
    winner, late = drivers(2)
    assert post(winner).status_code == 302
    assert refused_full(post(late))  # counted
    assert refused_full(post(late))  # read from the cache: known full in this process too

    entry_class.capacity = 2
    entry_class.save()

    assert post(late).status_code == 302


def test_a_marker_lives_no_longer_than_the_first_hold_of_the_class(
    post: Any, drivers: Any, entry_class: Any, event: Any
) -> None:
    holder, late = drivers(2)
    hold_the_place(event, entry_class, holder, lapses=timezone.now() + timedelta(seconds=1.5))
    assert refused_full(post(late))  # full until the hold lapses, known for under a second

    time.sleep(1.6)  # the hold lapses without any write

    assert post(late).status_code == 302
    assert Entry.objects.get(driver=holder).status == Entry.Status.EXPIRED


def test_a_marker_from_a_count_made_before_a_place_freed_is_ignored(
    post: Any, drivers: Any, entry_class: Any, event: Any
) -> None:
    winner, late = drivers(2)
    assert post(winner).status_code == 302
    before = full_classes.read(event_id=event.pk, entry_class_id=entry_class.pk)

    cancel_entry(entry_id=Entry.objects.get(driver=winner).pk, actor=winner)
    # What a request that counted the places just before the cancellation would store after it.
    cache.set(
        full_classes.KEY.format(event_id=event.pk, class_id=entry_class.pk),
        (before.generation, False, time.time() + full_classes.FULL_SECONDS),
        full_classes.FULL_SECONDS,
    )

    assert not full_classes.read(event_id=event.pk, entry_class_id=entry_class.pk).full
    assert post(late).status_code == 302


def test_the_entry_page_reads_the_event_again_once_it_changed(
    client: Any, event: Any, driver: Any
) -> None:
    client.force_login(driver)
    assert "Shanghai Club Cup" in client.get(f"/events/{event.slug}/enter/").content.decode()

    event.title = "Shanghai Club Cup (moved to Sunday)"
    event.save()

    page = client.get(f"/events/{event.slug}/enter/").content.decode()
    assert "Shanghai Club Cup (moved to Sunday)" in page


# --- known full in the server process for a second -------------------------------------------


def forget_the_marker(event: Any, entry_class: Any) -> None:
    cache.delete(full_classes.KEY.format(event_id=event.pk, class_id=entry_class.pk))


def test_once_read_from_the_cache_the_class_is_known_full_without_asking_it_again(
    post: Any, drivers: Any, event: Any, entry_class: Any
) -> None:
    winner, counting, reading, late = drivers(4)
    assert post(winner).status_code == 302
    assert refused_full(post(counting))  # counts the places, writes the marker
    assert refused_full(post(reading))  # reads the marker: known in this process from now on
    forget_the_marker(event, entry_class)  # were the cache asked, the places would be counted

    sql: list[str] = []
    refused = post(late, sql=sql)

    assert refused_full(refused)
    assert not any("COUNT(" in q or 'FROM "events_entryclass"' in q for q in sql), sql


def test_a_place_freed_by_another_process_is_seen_once_the_second_is_over(
    post: Any, drivers: Any, event: Any, entry_class: Any
) -> None:
    winner, counting, late = drivers(3)
    assert post(winner).status_code == 302
    assert refused_full(post(counting))
    assert refused_full(post(late))
    # Another server process cancels the entry: the database and the shared cache change, and
    # nothing is counted in this process.
    Entry.objects.filter(driver=winner).update(
        status=Entry.Status.CANCELLED, place_number=None, car_number=None
    )
    page_cache._bump_now(page_cache.PLACES_KEY.format(event_id=event.pk))
    changes = page_cache.changes_in_this_process()

    time.sleep(KNOWN_FULL_SECONDS + 0.1)

    assert page_cache.changes_in_this_process() == changes
    assert post(late).status_code == 302
    assert Entry.objects.get(driver=late).status == Entry.Status.CONFIRMED


def test_it_never_outlives_the_marker(
    post: Any, drivers: Any, event: Any, entry_class: Any
) -> None:
    holder, counting, late = drivers(3)
    hold_the_place(event, entry_class, holder, lapses=timezone.now() + timedelta(minutes=10))
    assert refused_full(post(counting))  # the marker lives until the hold lapses
    assert refused_full(post(late))  # known full in this process

    # The hold lapses (no write, so nothing is counted in this process) well within the second.
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1), tick=False):
        assert post(late).status_code == 302

    assert Entry.objects.get(driver=late).status == Entry.Status.CONFIRMED
