"""Wrong passwords from a stranger's address throttle that address, not the account's owner.

Five failures used to lock an account for five minutes for everyone, its owner included: anyone
could keep a driver out during a registration opening. Failures now count per address and per
account at that address; the account-wide limit only applies to addresses the account has never
signed in from.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

OWNERS_HOME = "203.0.113.20"
ATTACKER = "198.51.100.7"
ANOTHER_ATTACKER = "198.51.100.8"
NEW_NETWORK = "192.0.2.55"
THROTTLED = "Too many failed login attempts"


def sign_in(email: str, password: str, address: str) -> tuple[bool, str]:
    client = Client()
    response = client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    return "_auth_user_id" in client.session, response.content.decode()


def fail_from(address: str, email: str, times: int) -> list[str]:
    return [sign_in(email, f"guess-{i}", address)[1] for i in range(times)]


def test_the_owner_signs_in_from_a_known_network_while_a_stranger_is_throttled(
    driver: Any,
) -> None:
    assert sign_in(driver.email, PASSWORD, OWNERS_HOME)[0]
    pages = fail_from(ATTACKER, driver.email, 8)
    assert THROTTLED not in pages[0]
    assert THROTTLED in pages[-1]

    signed_in, _ = sign_in(driver.email, PASSWORD, OWNERS_HOME)
    assert signed_in

    # The stranger's address stays throttled for this account, even with the right password.
    signed_in, page = sign_in(driver.email, PASSWORD, ATTACKER)
    assert not signed_in
    assert THROTTLED in page


def test_failures_from_many_addresses_still_lock_the_account_on_new_networks(
    driver: Any,
) -> None:
    fail_from(ATTACKER, driver.email, 5)
    fail_from(ANOTHER_ATTACKER, driver.email, 5)
    signed_in, page = sign_in(driver.email, PASSWORD, NEW_NETWORK)
    assert not signed_in
    assert THROTTLED in page


def test_guessing_from_the_owners_own_network_is_still_throttled(driver: Any) -> None:
    assert sign_in(driver.email, PASSWORD, OWNERS_HOME)[0]
    pages = fail_from(OWNERS_HOME, driver.email, 6)
    assert THROTTLED in pages[-1]
    assert not sign_in(driver.email, PASSWORD, OWNERS_HOME)[0]


def test_one_address_cannot_try_many_accounts(make_user: Any) -> None:
    emails = [make_user(f"driver{i}@example.test").email for i in range(11)]
    pages = [sign_in(email, "guess", ATTACKER)[1] for email in emails]
    assert THROTTLED not in pages[9]
    assert THROTTLED in pages[10]
