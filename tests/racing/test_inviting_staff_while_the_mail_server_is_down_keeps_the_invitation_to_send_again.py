"""An owner invites staff while the mail server is down: the invitation is saved, the owner is
told the e-mail did not go, and "Send again" delivers it once the server is back."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from racing.models import Invitation

# Committed for real (a transactional test): the mail is tried inside the request, as in
# production, so the page can say whether it went.
pytestmark = [pytest.mark.django_db(transaction=True)]


def test_the_owner_is_told_and_sends_the_invitation_again(
    client: Any,
    organizer: Any,
    organization: Any,
    mail_server_down: Any,
) -> None:
    client.force_login(organizer)
    response = client.post(
        reverse("racing:invitation-create", args=[organization.slug]),
        {"email": "marshal@club.test", "role": "staff"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="marshal@club.test")
    (notice,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert "could not be sent" in notice
    page = client.get(organization.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Send again" in page.content.decode()

    server = mail_server_down.start()
    response = client.post(
        reverse("racing:invitation-resend", args=[organization.slug, invitation.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302
    (sent,) = server.for_recipient("marshal@club.test")
    assert invitation.token in sent.get_content()
    (notice,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert notice == "Invitation sent to marshal@club.test."
