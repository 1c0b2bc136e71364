"""With `PORT=…` (make demo, demo_serve) e-mailed links point at the port served, not port 8000."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from config.management.commands.demo_serve import served_environment

ROOT = Path(__file__).resolve().parent.parent


def site_url_with(**env: str) -> str:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PADDOCK_", "PORT", "DATABASE_URL", "REDIS_URL"))
    }
    code = (
        "import django; from django.conf import settings; django.setup();"
        "print(settings.PADDOCK_SITE_URL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_site_url_follows_the_port() -> None:
    assert site_url_with(PORT="8811") == "http://127.0.0.1:8811"
    assert site_url_with() == "http://127.0.0.1:8000"


def test_a_site_url_that_is_set_wins_over_the_port() -> None:
    assert site_url_with(PORT="8811", PADDOCK_SITE_URL="https://paddock.example") == (
        "https://paddock.example"
    )


def test_demo_serve_gives_its_port_to_the_server_and_background_processes() -> None:
    env = served_environment({"PATH": "/usr/bin"}, host="127.0.0.1", port=8811)
    assert env["PORT"] == "8811"
    assert env["PADDOCK_SITE_URL"] == "http://127.0.0.1:8811"
    kept = served_environment(
        {"PADDOCK_SITE_URL": "https://paddock.example"}, host="127.0.0.1", port=8811
    )
    assert kept["PADDOCK_SITE_URL"] == "https://paddock.example"
