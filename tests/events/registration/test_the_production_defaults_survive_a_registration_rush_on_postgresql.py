"""A registration rush through real HTTP on the production settings, with no pool variable set.

uvicorn runs in its own process with DJANGO_DEBUG=0 and without DATABASE_POOL_MAX_SIZE, signed in
as a database role whose CONNECTION LIMIT stands for what is left of PostgreSQL's max_connections
on a busy server. More drivers post at once than that limit: with the defaults every one of them
gets an answer (a place or "class full"), none a 5xx, and exactly the capacity is taken.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
CAPACITY = 5
DRIVERS = 48
# The headroom the server process gets: more than one default pool (10), far fewer than drivers.
ROLE_CONNECTION_LIMIT = 12


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def limited_role_url() -> Iterator[str]:
    """A login role on the test database that may hold only ROLE_CONNECTION_LIMIT connections."""
    role = f"paddock_rush_{os.getpid()}_{secrets.token_hex(3)}"
    password = secrets.token_hex(12)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE ROLE {role} LOGIN PASSWORD %s CONNECTION LIMIT {ROLE_CONNECTION_LIMIT}",
            [password],
        )
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}")
    db = connection.settings_dict
    try:
        yield f"postgres://{role}:{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


@pytest.fixture
def production_server(limited_role_url: str, tmp_path: Path) -> Iterator[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "DJANGO_", "STRIPE_"))
    }
    env.update(
        DATABASE_URL=limited_role_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        # The sessions below are signed with the test's key; the server must know it.
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on loopback stands in for the TLS-terminating proxy.
        SECURE_SSL_REDIRECT="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    # Production serves static files from the manifest that collectstatic writes.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "config.asgi:application", "--port", str(port),
         "--log-level", "warning", "--no-access-log", "--backlog", "1024"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, "the server exited at start"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start within 30 s"
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def signed_in_session(user: Any) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


async def rush(base: str, path: str, form: dict[str, str], sessions: list[str]) -> Counter:
    """Every driver posts the entry form at the same moment; returns the outcomes by kind."""
    go = asyncio.Event()

    async def enter(session_key: str) -> str:
        # The CSRF cookie is Secure in production and this is plain HTTP, so it is sent by hand;
        # any 32-character secret is a valid token when form and cookie carry the same one.
        csrf = secrets.token_hex(16)
        headers = {
            "Cookie": f"sessionid={session_key}; csrftoken={csrf}; django_language=en",
            "Referer": base + path,
        }
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            await go.wait()
            try:
                response = await client.post(
                    path, data={**form, "csrfmiddlewaretoken": csrf}, headers=headers
                )
            except httpx.TransportError as exc:
                return f"dropped: {type(exc).__name__}"
        if response.status_code == 302:
            return "entered"
        if response.status_code == 409 and "This class is full" in response.text:
            return "refused: full"
        return f"HTTP {response.status_code}"

    tasks = [asyncio.create_task(enter(key)) for key in sessions]
    await asyncio.sleep(0.2)
    go.set()
    return Counter(await asyncio.gather(*tasks))


def test_more_drivers_than_free_connections_get_answers_and_exactly_the_capacity_is_taken(
    production_server: str, make_event: Any, make_entry_class: Any, drivers: Any
) -> None:
    event = make_event()
    entry_class = make_entry_class(event, capacity=CAPACITY, fee=0)
    sessions = [signed_in_session(driver) for driver in drivers(DRIVERS)]
    form = {"entry_class": f"{entry_class.pk}:0", "event_sequence": str(event.sequence)}

    outcomes = asyncio.run(rush(production_server, f"/events/{event.slug}/enter/", form, sessions))

    assert outcomes == {"entered": CAPACITY, "refused: full": DRIVERS - CAPACITY}
    assert entry_class.entries.holding_places().count() == CAPACITY
