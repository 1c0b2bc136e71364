"""Signing up while the mail server is down: the account is made and the person is told the
confirmation e-mail did not go (they can ask for it again), instead of a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages

pytestmark = [pytest.mark.django_db]


def test_sign_up_with_the_mail_server_down(client: Any, mail_server_down: Any) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.driver@example.test",
            "password1": "a-long-enough-password-42",
            "password2": "a-long-enough-password-42",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302
    assert get_user_model().objects.filter(email="new.driver@example.test").exists()
    notices = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("could not send the e-mail to new.driver@example.test" in n for n in notices)
