"""Sign-up with mandatory e-mail verification, log in, password reset and e-mail change."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Qx7-paddock-lap-record"


def sign_up(client, email: str = "new.driver@example.test", **extra):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        **extra,
    )


def link_in(message) -> str:
    match = re.search(r"https?://[^\s]+", message.body)
    assert match, message.body
    return match.group(0)


def test_sign_up_sends_a_verification_link_and_does_not_log_in(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in link_in(mail.outbox[0])
    assert not EmailAddress.objects.get(email="new.driver@example.test").verified
    assert "_auth_user_id" not in client.session


def test_an_unverified_user_cannot_log_in(client):
    sign_up(client)
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "new.driver@example.test", "password": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_the_verification_link_verifies_and_logs_in(client):
    sign_up(client)
    path = link_in(mail.outbox[0]).split("testserver", 1)[-1]
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new.driver@example.test").verified
    assert client.session["_auth_user_id"]


def test_sign_up_errors_are_shown_in_the_chosen_language(client, driver):
    response = client.post(
        reverse("account_signup"),
        {"email": "bad", "password1": "x", "password2": "y"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert "有效" in response.content.decode()  # "输入一个有效的 Email 地址。"
    # An address that already has an account is not revealed on the page (no enumeration):
    # the owner gets an e-mail instead, and no second account is made.
    client.post(
        reverse("account_signup"),
        {"email": driver.email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert get_user_model().objects.filter(email=driver.email).count() == 1
    assert mail.outbox[-1].to == [driver.email]


def test_a_verified_user_logs_in_and_out(client, driver):
    response = client.post(reverse("account_login"), {"login": driver.email, "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == driver.pk
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_refused_with_a_message(client, driver):
    response = client.post(
        reverse("account_login"),
        {"login": driver.email, "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_repeated_failed_logins_are_rate_limited(client, driver):
    pages = [
        client.post(
            reverse("account_login"),
            {"login": driver.email, "password": f"bad{i}"},
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
        for i in range(7)
    ]
    assert "Too many failed login attempts" not in pages[0]
    assert "Too many failed login attempts" in pages[-1]
    # Even the right password is refused while the limit holds.
    response = client.post(reverse("account_login"), {"login": driver.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_password_reset_sends_a_working_link(client, driver):
    client.post(reverse("account_reset_password"), {"email": driver.email})
    assert len(mail.outbox) == 1
    path = link_in(mail.outbox[0]).split("testserver", 1)[-1]
    response = client.get(path, follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    driver.refresh_from_db()
    assert driver.check_password(NEW_PASSWORD)


def test_a_user_adds_a_new_email_address_which_must_be_verified(client, driver):
    client.force_login(driver)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "min.new@example.test"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["min.new@example.test"]
    assert not EmailAddress.objects.get(email="min.new@example.test").verified


def test_account_pages_use_the_site_layout(client):
    page = client.get(reverse("account_login")).content.decode()
    assert 'class="site-header"' in page
    assert "paddock.css" in page
