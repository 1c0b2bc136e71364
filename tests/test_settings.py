"""The settings module is driven by the environment; production without a secret fails loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    clean.update(env)
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'debug': settings.DEBUG, 'engine': settings.DATABASES['default']['ENGINE'],"
        "'layer': settings.CHANNEL_LAYERS['default']['BACKEND'], 'hosts': settings.ALLOWED_HOSTS,"
        "'email': settings.EMAIL_BACKEND, 'hsts': getattr(settings, 'SECURE_HSTS_SECONDS', 0),"
        "'secure_cookie': settings.SESSION_COOKIE_SECURE, 'stripe': bool(settings.STRIPE_SECRET_KEY)}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_without_a_secret_key_stops_with_a_clear_error():
    result = load_settings(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_the_demo_defaults_are_sqlite_in_memory_layer_console_mail_and_no_stripe():
    import json

    result = load_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["layer"] == "channels.layers.InMemoryChannelLayer"
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["stripe"] is False


def test_production_settings_come_from_the_environment():
    import json

    result = load_settings(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="paddock.example.org",
        DATABASE_URL="postgres://u:p@db.internal:5432/paddock",
        REDIS_URL="redis://cache:6379/1",
        STRIPE_SECRET_KEY="sk_test_123",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert values["hosts"] == ["paddock.example.org"]
    assert values["hsts"] >= 31536000
    assert values["secure_cookie"] is True
    assert values["stripe"] is True


def test_a_malformed_boolean_is_refused():
    result = load_settings(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr
