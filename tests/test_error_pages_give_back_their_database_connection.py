"""Under ASGI an error page renders on an executor thread of its own (Django 5.2); the database
connection it opens there to find the signed-in user is closed, not held by that thread for good.

PostgreSQL only: Django never closes a connection to SQLite's in-memory test database.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
import weakref
from typing import Any

import pytest
from django.db.backends.signals import connection_created
from django.test import Client

from tests.browser.test_live_board_follows_the_race import AsgiServer, asgi_server  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def get(url: str, cookie: str = "") -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_a_404_for_a_signed_in_user_leaves_no_connection_open(
    asgi_server: AsgiServer,  # noqa: F811
    make_user: Any,
) -> None:
    client = Client()
    client.force_login(make_user(email="fan@example.com"))
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    opened: list[tuple[weakref.ref[Any], str]] = []

    def record(sender: Any, connection: Any, **kwargs: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
            opened.append((weakref.ref(connection), threading.current_thread().name))

    connection_created.connect(record, weak=False)
    try:
        for _ in range(3):
            assert get(f"{asgi_server.url}/no-such-page/", cookie) == 404
            assert get(f"{asgi_server.url}/no-such-page/") == 404
        deadline = time.monotonic() + 5
        while True:
            left_open = [
                name
                for ref, name in opened
                if (wrapper := ref()) is not None and wrapper.connection is not None
            ]
            if not left_open or time.monotonic() > deadline:
                break
            time.sleep(0.05)
    finally:
        connection_created.disconnect(record)

    assert opened, "the error pages did not use the database at all"
    assert left_open == []
