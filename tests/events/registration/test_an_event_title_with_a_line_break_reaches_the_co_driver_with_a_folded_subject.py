"""A line break in an event title must not stop its mail: Django refuses a multi-line header
(BadHeaderError), so every subject is folded onto one line before it is sent."""

from __future__ import annotations

from typing import Any

import pytest

from events.models import OutgoingMail

pytestmark = [pytest.mark.django_db]


def test_the_co_driver_mail_goes_out_with_the_title_on_one_line(
    event: Any,
    driver: Any,
    register: Any,
    fake_stripe: Any,
    mail_server_down: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    event.title = "Shanghai\r\nClub Cup\u2028Night\x1f Race"
    event.save()
    server = mail_server_down.start()

    with django_capture_on_commit_callbacks(execute=True):
        register(
            driver,
            event.entry_classes.get(),
            co_driver_email="navigator@example.test",
            language="en",
        )

    (sent,) = server.for_recipient("navigator@example.test")
    assert (
        sent["Subject"].strip() == "Confirm your place as co-driver: Shanghai Club Cup Night Race"
    )
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT
