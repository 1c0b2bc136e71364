"""A driver who takes a place is answered at once: the confirmation mail is composed, recorded
and sent on the process's mail thread after the registration commits (production's
PADDOCK_MAIL_IN_BACKGROUND), so neither the rush nor a slow mail server waits for it. It still
leaves, once; and when the mail server is down it is recorded as failed and the retry command
sends it later. Transactional tests: the mail thread reads what the request committed."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.mail.message import EmailMessage
from django.core.management import call_command
from django.test import Client

from config.mail import wait_for_background_mail
from events.models import Entry, OutgoingMail

pytestmark = [pytest.mark.django_db(transaction=True)]

# The mail server of the first test answers only once the test lets it.
GATE = threading.Event()
SENDING_THREADS: list[str] = []


class GatedBackend(EmailBackend):
    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        SENDING_THREADS.append(threading.current_thread().name)
        GATE.wait(timeout=10)
        return super().send_messages(messages)


@pytest.fixture
def in_background(settings: Any) -> Any:
    settings.PADDOCK_MAIL_IN_BACKGROUND = True
    yield settings
    wait_for_background_mail()  # nothing of this test runs on into the next


def enter(event: Any, driver: Any) -> Any:
    client = Client()
    client.force_login(driver)
    entry_class = event.entry_classes.get()
    return client.post(
        f"/events/{event.slug}/enter/",
        {"entry_class": f"{entry_class.pk}:80000", "event_sequence": event.sequence},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_driver_is_answered_before_the_mail_leaves_and_it_leaves_once(
    in_background: Any, event: Any, driver: Any
) -> None:
    in_background.EMAIL_BACKEND = f"{__name__}.GatedBackend"
    GATE.clear()
    SENDING_THREADS.clear()
    try:
        response = enter(event, driver)
        # Answered while the mail server has not taken the mail yet.
        assert response.status_code == 302
        assert Entry.objects.get(driver=driver).status == Entry.Status.CONFIRMED
        assert mail.outbox == []
    finally:
        GATE.set()
    wait_for_background_mail()

    assert [m.to for m in mail.outbox] == [[driver.email]]
    assert "confirmed" in mail.outbox[0].body.lower() or event.title in mail.outbox[0].subject
    assert SENDING_THREADS and all(n.startswith("paddock-mail") for n in SENDING_THREADS)
    row = OutgoingMail.objects.get(recipient=driver.email)
    assert (row.kind, row.status, row.attempts) == ("confirmation", OutgoingMail.Status.SENT, 1)


def test_with_the_mail_server_down_it_is_recorded_and_the_retry_command_sends_it(
    in_background: Any, event: Any, driver: Any, mail_server_down: Any
) -> None:
    assert enter(event, driver).status_code == 302
    wait_for_background_mail()

    unsent = OutgoingMail.objects.get(recipient=driver.email)
    assert unsent.status == OutgoingMail.Status.FAILED

    server = mail_server_down.start()
    call_command("retry_unsent_mail", stdout=StringIO())

    unsent.refresh_from_db()
    assert unsent.status == OutgoingMail.Status.SENT
    assert len(server.for_recipient(driver.email)) == 1


def test_while_requests_queue_for_django_the_mail_waits_for_them_within_a_bound(
    in_background: Any, event: Any, drivers: Any
) -> None:
    from config import http_queue

    in_background.PADDOCK_MAIL_QUIET_SECONDS = 0.1
    in_background.PADDOCK_MAIL_DEFER_SECONDS = 30
    first, second = drivers(2)
    http_queue.started_waiting()  # a rush: requests wait for their turn into Django
    try:
        assert enter(event, first).status_code == 302
        time.sleep(0.5)  # a sleep, not a timed lock wait (which libfaketime's clock stalls)
        assert mail.outbox == []  # the answers first
    finally:
        http_queue.stopped_waiting()
    wait_for_background_mail()
    assert [m.to for m in mail.outbox] == [[first.email]]

    # However long the queue lasts, a mail waits no longer than the bound.
    in_background.PADDOCK_MAIL_DEFER_SECONDS = 0.3
    http_queue.started_waiting()
    try:
        assert enter(event, second).status_code == 302
        wait_for_background_mail(timeout=10)
        assert [m.to for m in mail.outbox] == [[first.email], [second.email]]
    finally:
        http_queue.stopped_waiting()
