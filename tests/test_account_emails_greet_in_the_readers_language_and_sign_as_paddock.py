"""The address-confirmation e-mail greets in the reader's language and signs with the site's name
and address, not allauth's English "Hello" and the request's host."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def sign_up(client: Any, language: str) -> str:
    client.post(
        reverse("account_signup"),
        {"email": "new.driver@example.test", "password1": "Qx7-lap-42", "password2": "Qx7-lap-42"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert len(mail.outbox) == 1
    return str(mail.outbox[0].body)


def test_the_chinese_confirmation_mail_greets_in_chinese_and_signs_as_paddock(
    client: Any, settings: Any
) -> None:
    settings.PADDOCK_SITE_URL = "http://127.0.0.1:8811"
    body = sign_up(client, "zh-hans")
    assert body.startswith("您好！这是来自 Paddock 的邮件。")
    assert "Hello" not in body
    assert "感谢您使用 Paddock。\nhttp://127.0.0.1:8811" in body
    assert "testserver" not in body.replace("http://testserver/accounts/", "")


def test_the_english_confirmation_mail_greets_from_paddock(client: Any, settings: Any) -> None:
    settings.PADDOCK_SITE_URL = "https://paddock.example"
    body = sign_up(client, "en")
    assert body.startswith("Hello from Paddock,")
    assert "register an account on paddock.example" in body
    assert "Thank you for using Paddock.\nhttps://paddock.example" in body
