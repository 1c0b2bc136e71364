"""Sign-up, password reset and e-mail confirmation are throttled (failed logins: test_accounts.py).

Without these limits one address can be flooded with reset or verification e-mails, and accounts
can be created by a script as fast as the server answers.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "Qx7-paddock-lap-record"


def sign_up(client, email: str, ip: str = "203.0.113.7"):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_sign_ups_from_one_address_are_limited_to_twenty_a_minute(client):
    statuses = [sign_up(client, f"bot{i}@example.test").status_code for i in range(21)]
    assert statuses[:20] == [302] * 20
    assert statuses[20] == 429
    assert len(mail.outbox) == 20


def test_the_sign_up_limit_is_per_address_so_others_can_still_sign_up(client):
    for i in range(21):
        sign_up(client, f"bot{i}@example.test")
    assert sign_up(client, "real.driver@example.test", ip="198.51.100.20").status_code == 302


def test_the_throttled_page_is_translated_and_uses_the_site_layout(client):
    for i in range(20):
        sign_up(client, f"bot{i}@example.test")
    english = sign_up(client, "one.more@example.test")
    assert english.status_code == 429
    assert "Too many requests" in english.content.decode()
    assert 'class="site-header"' in english.content.decode()
    chinese = client.post(
        reverse("account_signup"),
        {"email": "again@example.test", "password1": PASSWORD, "password2": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert chinese.status_code == 429
    assert "请求过于频繁" in chinese.content.decode()


def test_password_reset_mails_to_one_address_are_limited_to_five_a_minute(client, driver):
    statuses = [
        client.post(reverse("account_reset_password"), {"email": driver.email}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429
    assert len(mail.outbox) == 5


def test_password_reset_requests_from_one_address_are_limited_to_twenty_a_minute(client):
    statuses = [
        client.post(
            reverse("account_reset_password"), {"email": f"someone{i}@example.test"}
        ).status_code
        for i in range(21)
    ]
    assert statuses[:20] == [302] * 20
    assert statuses[20] == 429


def test_a_verification_mail_is_not_resent_within_three_minutes(client, make_user):
    make_user("slow.reader@example.test", verified=False)
    client.post(
        reverse("account_login"), {"login": "slow.reader@example.test", "password": "x"}
    )  # wrong password: nothing is sent
    from tests.conftest import PASSWORD as USER_PASSWORD

    for _ in range(3):
        client.post(
            reverse("account_login"),
            {"login": "slow.reader@example.test", "password": USER_PASSWORD},
        )
    assert [m.to for m in mail.outbox] == [["slow.reader@example.test"]]
