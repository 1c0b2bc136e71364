"""`manage.py retry_unsent_mail` (cron) heals an outage: failed event mail is tried again until it
is sent, at most --max-attempts times, and sent mail is never sent twice."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from events.models import OutgoingMail

pytestmark = [pytest.mark.django_db]


def retry(*args: str) -> str:
    out = StringIO()
    call_command("retry_unsent_mail", *args, stdout=out)
    return out.getvalue()


def test_failed_mail_is_retried_until_the_server_takes_it(
    event: Any,
    driver: Any,
    register: Any,
    fake_stripe: Any,
    mail_server_down: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        register(driver, event.entry_classes.get(), co_driver_email="navigator@example.test")
    unsent = OutgoingMail.objects.get(recipient="navigator@example.test")
    assert unsent.status == OutgoingMail.Status.FAILED

    assert retry() == "0 sent, 1 still failing\n"
    unsent.refresh_from_db()
    assert unsent.attempts == 2
    assert retry("--max-attempts", "2") == "0 sent, 0 still failing\n"

    server = mail_server_down.start()
    assert retry() == "1 sent, 0 still failing\n"
    assert retry() == "0 sent, 0 still failing\n"
    assert len(server.for_recipient("navigator@example.test")) == 1
    unsent.refresh_from_db()
    assert unsent.status == OutgoingMail.Status.SENT
