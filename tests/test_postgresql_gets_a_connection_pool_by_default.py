"""On PostgreSQL the settings turn a per-process connection pool on unless told otherwise.

The pool is what keeps a registration rush under the server's max_connections (the rush itself is
tested through real HTTP in tests/events/registration); here, how the environment sizes it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgres://paddock@db.invalid:5432/paddock"


def database_settings(**env: str) -> dict[str, Any]:
    """The default database settings as a fresh process reads them (no connection is opened)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps(settings.DATABASES['default'], default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_DEBUG": "1", **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return dict(json.loads(result.stdout))


def test_postgresql_without_a_pool_variable_gets_ten_connections_per_process() -> None:
    db = database_settings(DATABASE_URL=POSTGRES_URL)

    assert db["OPTIONS"]["pool"]["max_size"] == 10
    assert db["CONN_MAX_AGE"] == 0


def test_the_pool_variable_resizes_it_and_zero_turns_it_off() -> None:
    assert (
        database_settings(DATABASE_URL=POSTGRES_URL, DATABASE_POOL_MAX_SIZE="4")["OPTIONS"]["pool"][
            "max_size"
        ]
        == 4
    )
    unpooled = database_settings(
        DATABASE_URL=POSTGRES_URL, DATABASE_POOL_MAX_SIZE="0", DATABASE_CONN_MAX_AGE="60"
    )
    assert "pool" not in unpooled.get("OPTIONS", {})
    assert unpooled["CONN_MAX_AGE"] == 60


def test_persistent_connections_give_way_to_the_pool_django_requires_them_off_for() -> None:
    db = database_settings(DATABASE_URL=POSTGRES_URL, DATABASE_CONN_MAX_AGE="60")

    assert db["OPTIONS"]["pool"]["max_size"] == 10
    assert db["CONN_MAX_AGE"] == 0


def test_sqlite_has_no_pool() -> None:
    assert "pool" not in database_settings()["OPTIONS"]
