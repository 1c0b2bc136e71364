"""A dead mail server must not turn a saved entry into an error page.

The real SMTP backend talks to a local port where nothing listens; the request commits for real
(a transactional test), so the mail is tried exactly when it would be in production.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from events.models import Entry, OutgoingMail
from tests.racing.factories import make_profile, make_vehicle

pytestmark = [pytest.mark.django_db(transaction=True)]

CO_DRIVER = "navigator@example.test"


def test_the_entry_is_saved_listed_for_staff_and_sent_again_once_the_server_is_back(
    event: Any,
    driver: Any,
    staff_member: Any,
    fake_stripe: Any,
    mail_server_down: Any,
) -> None:
    entering = Client()
    entering.force_login(driver)
    entry_class = event.entry_classes.get()
    response = entering.post(
        f"/events/{event.slug}/enter/",
        {
            "entry_class": f"{entry_class.pk}:80000",
            "vehicle": make_vehicle(make_profile(driver)).pk,
            "event_sequence": event.sequence,
            "co_driver_email": CO_DRIVER,
        },
        # The driver enters in Chinese: the co-driver's mail is written in it, also when resent.
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 302
    assert response["Location"].startswith(fake_stripe.url)
    entry = Entry.objects.get(co_driver_email=CO_DRIVER)
    assert entry.status == Entry.Status.HELD

    staff = Client()
    staff.force_login(staff_member)
    manage_url = f"/organizer/{event.organization.slug}/events/{event.slug}/"
    page = staff.get(manage_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "E-mail that could not be sent" in page
    assert CO_DRIVER in page
    unsent = OutgoingMail.objects.get(recipient=CO_DRIVER)
    assert unsent.status == OutgoingMail.Status.FAILED
    assert "Connection" in unsent.error

    server = mail_server_down.start()
    response = staff.post(f"{manage_url}mail/resend/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    (sent,) = server.for_recipient(CO_DRIVER)
    # Django folds an encoded subject onto a continuation line; the parser keeps that space.
    assert sent["Subject"].strip() == f"确认您的副驾驶身份：{event.title}"
    assert f"/co-driver/{entry.co_driver_token}/" in sent.get_content()
    page = staff.get(manage_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "E-mail that could not be sent" not in page

    # Sent mail is not sent twice by another press of the button.
    staff.post(f"{manage_url}mail/resend/")
    assert len(server.for_recipient(CO_DRIVER)) == 1


def test_only_a_post_from_staff_sends_again(
    event: Any, driver: Any, outsider: Any, other_organization: Any, staff_member: Any
) -> None:
    url = f"/organizer/{event.organization.slug}/events/{event.slug}/mail/resend/"
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(staff_member)
    assert staff.get(url).status_code == 405
    assert staff.post(url).status_code == 403  # no CSRF token
    rival = Client()
    rival.force_login(outsider)
    assert rival.post(url).status_code == 404


def test_a_bad_message_id_sends_nothing_and_is_not_an_error(event: Any, staff_member: Any) -> None:
    url = f"/organizer/{event.organization.slug}/events/{event.slug}/mail/resend/"
    staff = Client()
    staff.force_login(staff_member)
    for bad in ("9" * 30, "²", "-1", "1 OR 1=1"):
        assert staff.post(url, {"mail": bad}).status_code == 302
