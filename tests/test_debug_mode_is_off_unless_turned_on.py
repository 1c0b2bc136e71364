"""With DJANGO_DEBUG unset the site is in production mode and needs its own secret key.

A server started without the variable used to run in debug mode (tracebacks to anyone) with the
demo key printed in the repository, which signs sessions and password-reset links.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

READ_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({'debug': settings.DEBUG, 'key': settings.SECRET_KEY}))"
)


def settings_in_a_clean_environment(**env: str) -> subprocess.CompletedProcess[str]:
    # Nothing from the test run's own environment (which turns debug mode on) may leak in.
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", READ_SETTINGS],
        cwd=ROOT,
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_without_django_debug_the_settings_refuse_to_start_without_a_secret_key():
    result = settings_in_a_clean_environment()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_without_django_debug_debug_mode_is_off_and_the_given_key_is_used():
    result = settings_in_a_clean_environment(DJANGO_SECRET_KEY="k" * 60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"debug": False, "key": "k" * 60}


def test_debug_mode_and_the_demo_key_only_when_asked_for():
    result = settings_in_a_clean_environment(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is True
    assert values["key"].startswith("demo-only")
