"""Production settings pass Django's deployment checks and send the security headers.

Settings are read once at import, so production is exercised in a subprocess with the environment
a real deployment would have (as tests/test_settings.py does).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings

ROOT = Path(__file__).resolve().parent.parent
HOST = "paddock.example.org"


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "SECURE_", "ALLOWED_HOSTS"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        PADDOCK_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        PADDOCK_LOOKUP_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
    )
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


# The manifest storage of production needs `collectstatic`; the headers under test do not
# depend on how static file names are hashed.
PROBE = """
import json, os, django
from django.conf import settings
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
django.setup()
from django.test import Client
client = Client()
secure = client.get("/accounts/login/", secure=True, HTTP_HOST=os.environ["ALLOWED_HOSTS"])
plain = client.get("/accounts/login/", secure=False, HTTP_HOST=os.environ["ALLOWED_HOSTS"])
cookies = {
    name: {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]),
           "samesite": morsel["samesite"]}
    for name, morsel in secure.cookies.items()
}
print(json.dumps({
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "cookies": cookies,
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
}))
"""


@pytest.fixture(scope="module")
def production_response(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    result = run(
        [sys.executable, "-c", PROBE], production_env(tmp_path_factory.mktemp("production"))
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_reports_missing_encryption_keys(tmp_path):
    env = production_env(tmp_path)
    del env["PADDOCK_ENCRYPTION_KEYS"], env["PADDOCK_LOOKUP_KEY"]
    result = run([sys.executable, "manage.py", "check", "--deploy"], env)
    assert result.returncode != 0
    assert "PADDOCK_ENCRYPTION_KEYS is not set" in result.stderr
    assert "PADDOCK_LOOKUP_KEY is not set" in result.stderr


def test_plain_http_is_redirected_to_https(production_response):
    assert production_response["plain_status"] == 301
    assert production_response["plain_location"].startswith(f"https://{HOST}/")


def test_pages_carry_hsts_with_subdomains_and_preload(production_response):
    hsts = production_response["headers"]["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts
    assert "preload" in hsts


def test_pages_carry_an_enforced_content_security_policy_without_inline_code(production_response):
    headers = production_response["headers"]
    assert production_response["status"] == 200
    assert "Content-Security-Policy-Report-Only" not in headers
    directives = {
        name: value
        for name, _, value in (
            part.strip().partition(" ") for part in headers["Content-Security-Policy"].split(";")
        )
    }
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "unsafe-eval" not in headers["Content-Security-Policy"]


def test_pages_forbid_framing_and_content_sniffing(production_response):
    headers = production_response["headers"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_the_csrf_cookie_is_secure_in_production(production_response):
    assert production_response["cookies"]["csrftoken"]["secure"] is True


def test_the_session_cookie_is_secure_and_hidden_from_scripts_in_production(tmp_path):
    result = run(
        [
            sys.executable,
            "-c",
            "import json, django; from django.conf import settings; django.setup();"
            "print(json.dumps([settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY,"
            " settings.CSRF_COOKIE_SECURE]))",
        ],
        production_env(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [True, True, True]


def test_development_reports_the_same_policy_without_enforcing_it(client, db):
    # The test run uses the development settings (tests/settings.py sets DJANGO_DEBUG=1).
    assert django_settings.CONTENT_SECURITY_POLICY_REPORT_ONLY["DIRECTIVES"]["script-src"] == [
        "'self'"
    ]
    response = client.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy-Report-Only"]
    assert "Content-Security-Policy" not in response
