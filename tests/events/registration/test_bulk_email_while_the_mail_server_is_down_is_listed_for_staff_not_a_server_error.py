"""Staff e-mail to entrants while the mail server is down: a clear message, not a 500, and the
unsent mail waits on the event's page to be sent again."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages

from events.models import Entry, OutgoingMail

# Committed for real (a transactional test): the mail is tried inside the request, as in
# production, so the page can say whether it went.
pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def confirmed(event: Any, make_user: Any, register: Any, settings: Any) -> Entry:
    settings.STRIPE_SECRET_KEY = ""  # pay at the track: confirmed at once
    return register(make_user("zhang@example.test"), event.entry_classes.get())


def test_the_failure_is_reported_and_the_mail_is_sent_again_later(
    client: Any,
    staff_member: Any,
    confirmed: Entry,
    mail_server_down: Any,
) -> None:
    event = confirmed.event
    client.force_login(staff_member)
    base = f"/organizer/{event.organization.slug}/events/{event.slug}/"

    response = client.post(
        f"{base}entries/email/",
        {"subject": "Briefing\nat 08:00", "body": "Bring your licence."},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302
    (notice,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert "1 of 1 could not be sent" in notice
    unsent = OutgoingMail.objects.get(recipient="zhang@example.test", kind="bulk")
    assert unsent.status == OutgoingMail.Status.FAILED
    assert unsent.subject == f"[{event.title}] Briefing at 08:00"
    assert "zhang@example.test" in client.get(base).content.decode()

    server = mail_server_down.start()
    client.post(f"{base}mail/resend/", {"mail": unsent.pk})

    (sent,) = server.for_recipient("zhang@example.test")
    assert sent["Subject"] == f"[{event.title}] Briefing at 08:00"
    assert sent.get_content().strip() == "Bring your licence."
