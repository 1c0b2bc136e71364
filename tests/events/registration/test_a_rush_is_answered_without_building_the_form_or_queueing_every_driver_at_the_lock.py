"""In an opening rush most POSTs meet a full class or are a second click. The entry page answers
them from a few reads with a short page (the message, the waiting list a click away, the way back)
instead of building the whole form; and at most `LOCK_QUEUE_PER_EVENT` registrations per process
wait on an event's row lock, the others waiting for their turn (with their database connection
given back) and checking again when it comes."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.exceptions import ClassFull, RegistrationError
from events.models import Entry
from events.services import registration

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def post(client: Any, event: Any) -> Any:
    entry_class = event.entry_classes.get()

    def send(driver: Any, *, queries: list[int] | None = None, **overrides: Any) -> Any:
        client.force_login(driver)
        event.refresh_from_db()
        data = {
            "entry_class": f"{entry_class.pk}:80000",
            "event_sequence": event.sequence,
            "co_driver_email": "mate@example.test",
        }
        data.update(overrides)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(f"/events/{event.slug}/enter/", data, HTTP_ACCEPT_LANGUAGE="en")
        if queries is not None:
            queries.append(len(captured))
        return response

    return send


def test_a_full_class_gets_a_short_page_with_the_waiting_list_a_click_away(
    post: Any, event: Any, drivers: Any
) -> None:
    first, late = drivers(2)
    event.entry_classes.update(capacity=1)
    assert post(first).status_code == 302

    queries: list[int] = []
    refused = post(late, queries=queries)

    page = refused.content.decode()
    assert refused.status_code == 409
    assert "This class is full. You can join its waiting list." in page
    assert "Join the waiting list" in page and "Back to the entry form" in page
    # The short page: no form of classes, garage and refund policy was built.
    assert "Cancellation and refunds" not in page
    # session, user, event, class, the driver's entries, places taken, the messages' session
    assert queries[0] <= 8
    # Its button posts the same entry again, with the waiting list ticked.
    assert 'name="co_driver_email" value="mate@example.test"' in page
    queued = post(late, join_waitlist="on")
    assert queued.status_code == 302
    assert Entry.objects.get(driver=late).status == Entry.Status.WAITLISTED


def test_a_second_click_is_told_the_driver_already_entered(
    post: Any, event: Any, driver: Any
) -> None:
    assert post(driver).status_code == 302

    again = post(driver)

    page = again.content.decode()
    assert again.status_code == 409
    assert "You have already entered this class." in page
    assert "Join the waiting list" not in page
    assert Entry.objects.filter(driver=driver).count() == 1


def test_a_bad_class_still_gets_the_whole_form_with_its_error(post: Any, driver: Any) -> None:
    response = post(driver, entry_class="999999:80000")

    assert response.status_code == 400
    assert "Choose one of this event&#x27;s classes." in response.content.decode()
    assert "Cancellation and refunds" in response.content.decode()


def hold_every_turn(event_id: int) -> tuple[threading.Event, list[threading.Thread]]:
    """Other threads hold all of the event's turns at the lock until told to let go."""
    release = threading.Event()
    holding = threading.Barrier(registration.LOCK_QUEUE_PER_EVENT + 1)

    def hold() -> None:
        with registration.turn_at_the_lock(event_id, entry_class_id=0, join_waitlist=True):
            holding.wait(timeout=10)
            release.wait(timeout=30)

    threads = [threading.Thread(target=hold) for _ in range(registration.LOCK_QUEUE_PER_EVENT)]
    for thread in threads:
        thread.start()
    holding.wait(timeout=10)
    return release, threads


def let_go(release: threading.Event, threads: list[threading.Thread]) -> None:
    release.set()
    for thread in threads:
        thread.join()


@pytest.mark.timed_waits
def test_only_a_few_registrations_wait_at_the_event_lock(
    register: Any, event: Any, drivers: Any, settings: Any
) -> None:
    settings.PADDOCK_REGISTRATION_LOCK_TIMEOUT_MS = 300
    entry_class = event.entry_classes.get()
    first, second = drivers(2)
    release, threads = hold_every_turn(event.pk)
    try:
        with pytest.raises(RegistrationError, match="Too many drivers are entering"):
            register(first, entry_class)
    finally:
        let_go(release, threads)
    assert not Entry.objects.exists()
    # Once the turns are free again, a driver gets in.
    register(second, entry_class)
    assert Entry.objects.get().driver == second


def test_a_full_class_is_refused_even_while_every_turn_is_taken(
    register: Any, event: Any, drivers: Any, settings: Any
) -> None:
    settings.PADDOCK_REGISTRATION_LOCK_TIMEOUT_MS = 30_000
    entry_class = event.entry_classes.get()
    entry_class.capacity = 1
    entry_class.save()
    first, late = drivers(2)
    register(first, entry_class)
    release, threads = hold_every_turn(event.pk)
    try:
        # Refused from its reads, without waiting 30 s for a turn.
        with pytest.raises(ClassFull):
            register(late, entry_class)
    finally:
        let_go(release, threads)


@pytest.mark.timed_waits
def test_the_entry_page_waits_for_a_turn_before_building_the_form(
    post: Any, event: Any, drivers: Any, settings: Any
) -> None:
    settings.PADDOCK_REGISTRATION_LOCK_TIMEOUT_MS = 300
    (driver,) = drivers(1)
    release, threads = hold_every_turn(event.pk)
    try:
        busy = post(driver)
    finally:
        let_go(release, threads)
    assert busy.status_code == 400
    assert "Too many drivers are entering at this moment." in busy.content.decode()
    assert not Entry.objects.exists()
    assert post(driver).status_code == 302


def test_the_refused_page_is_the_drivers_own_and_follows_changes_to_the_event(
    post: Any, event: Any, drivers: Any, client: Any
) -> None:
    first, late, later = drivers(3)
    event.entry_classes.update(capacity=1)
    assert post(first).status_code == 302
    # A title that reads like the page's own stand-ins is shown as text, never filled in.
    event.title = "Cup <!--paddock:csrf--> & <!--paddock:posted-->"
    event.save()

    page = post(late, co_driver_email="one@example.test").content.decode()
    token = client.cookies["csrftoken"].value
    other = post(later, co_driver_email="two@example.test").content.decode()

    assert "Cup &lt;!--paddock:csrf--&gt; &amp; &lt;!--paddock:posted--&gt;" in page
    assert "<!--paddock" not in page
    assert 'name="co_driver_email" value="one@example.test"' in page
    assert 'name="co_driver_email" value="two@example.test"' in other
    assert "one@example.test" not in other
    assert f'name="csrfmiddlewaretoken" value="{token}"' not in page  # masked per response
    assert 'name="csrfmiddlewaretoken" value="' in page
    # The next refusal after a change shows the event as it is now.
    event.title = "Renamed Cup"
    event.save()
    assert "Renamed Cup" in post(late).content.decode()
