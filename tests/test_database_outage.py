"""When the database goes away, visitors get a clean 503 page that says so, never a traceback."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent

# Production settings with a database file that can never be opened (its directory is missing).
PROBE = """
import json, django
from django.conf import settings
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "a" * 32  # a returning visitor: the session lookup fails too
out = {}
for path, language in (("/", "zh-hans"), ("/events/", "en"), ("/healthz", "en")):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    out[path] = {"status": response.status_code, "body": response.content.decode(),
                 "retry_after": response.headers.get("Retry-After")}
print(json.dumps(out))
"""


def test_an_unreachable_sqlite_database_gives_a_clean_503_page(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="CRITICAL",
        DATABASE_URL=f"sqlite:///{tmp_path / 'missing-directory' / 'paddock.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout.strip().splitlines()[-1])
    for path in ("/", "/events/"):
        assert pages[path]["status"] == 503, (path, pages[path]["body"][:300])
        assert pages[path]["retry_after"] == "10"
        assert "Traceback" not in pages[path]["body"]
        assert "OperationalError" not in pages[path]["body"]
    assert "暂时无法使用" in pages["/"]["body"]
    assert "Temporarily unavailable" in pages["/events/"]["body"]
    assert pages["/healthz"]["status"] == 503
    assert json.loads(pages["/healthz"]["body"])["database"] == "error"


def terminate_own_backend_at_first_query() -> Callable[..., Any]:
    """An execute wrapper: the first query of the request finds its connection killed.

    The kill comes from a second, independent connection, as when PostgreSQL restarts or an
    administrator ends sessions, so the failure is the driver's real one, not a raised stand-in.
    """
    state = {"done": False}
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)

    def wrapper(execute: Callable[..., Any], sql: str, params_: Any, many: bool, context: Any):
        if not state["done"]:
            state["done"] = True
            pid = connection.connection.info.backend_pid
            with psycopg.connect(**params, autocommit=True) as killer:
                killer.execute("SELECT pg_terminate_backend(%s)", [pid])
        return execute(sql, params_, many, context)

    return wrapper


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_connection_killed_during_a_request_gives_a_503_then_recovers(
    organization,
):
    client = Client(raise_request_exception=False)
    assert client.get("/events/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200

    # The list is now cached and would be served without the database: a page that must query.
    cache.clear()
    with connection.execute_wrapper(terminate_own_backend_at_first_query()):
        response = client.get("/events/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "Temporarily unavailable" in page
    assert "Traceback" not in page

    # A real server closes a connection that raised at the end of the request (the test client
    # leaves that to us); the next request connects afresh and works.
    connection.close()
    assert client.get("/events/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
