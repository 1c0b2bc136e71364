"""Paddock settings: one file, driven by environment variables.

Defaults are safe for production: debug mode is off unless DJANGO_DEBUG=1 says otherwise, and a
server without DJANGO_SECRET_KEY refuses to start. `make demo` turns debug mode on explicitly and
then runs on a laptop with nothing else set (SQLite, in-memory channel layer, console e-mail,
pay-at-track).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    return int(_env_number(name, default, int, "an integer"))


def env_float(name: str, default: float) -> float:
    return _env_number(name, default, float, "a number")


def _env_number(name: str, default: float, parse: Callable[[str], float], what: str) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return parse(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be {what}, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# Off unless asked for: a forgotten variable must not serve tracebacks with a published key.
DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. It is required when DJANGO_DEBUG is off: "
            "set it to a long random string, for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = "demo-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    # Listed so the API docs page is served from our static files: the CDN page ninja uses
    # otherwise has inline script, which the content security policy refuses.
    "ninja",
    "allauth",
    "allauth.account",
    "racing",
    "events",
    "live",
    # project-wide commands
    "config",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "config.middleware.RejectNulCharactersMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "racing.context_processors.account_menu",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent requests under ASGI: wait for the write lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

# PostgreSQL connection pool per server process (psycopg_pool, Django's "pool" option), on by
# default. Under ASGI every request inside Django runs its sync view in a thread of its own (at most
# PADDOCK_HTTP_CONCURRENCY at once, below), so without a pool each of them opens a connection of
# its own, and with no bound a registration rush opened one per waiting driver until the server
# refused the rest (max_connections). With the pool at most DATABASE_POOL_MAX_SIZE of them talk to
# PostgreSQL at once per process and the others wait up to DATABASE_POOL_TIMEOUT seconds for a
# connection. One process runs Python on one core at a time, so ten connections cover it plus the
# ones parked on a row lock; keep workers x pool + ingest processes + admin sessions under
# max_connections. 0 turns it off (then DATABASE_CONN_MAX_AGE applies; Django refuses persistent
# connections with a pool).
DATABASE_POOL_MAX_SIZE = env_int("DATABASE_POOL_MAX_SIZE", 10)
if DATABASE_POOL_MAX_SIZE > 0 and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_MAX_SIZE,
        "timeout": env_int("DATABASE_POOL_TIMEOUT", 30),
    }

# HTTP requests one server process lets into Django at once (config.middleware.
# ConcurrentRequestLimit); the others wait their turn in the event loop. Django's ASGI handler gives
# every request a thread of its own and one process runs Python on one core at a time, so a few
# threads keep it busy: more only share the interpreter lock and the pool's connections. Keep it at
# or under DATABASE_POOL_MAX_SIZE. 0: no bound (a thread per concurrent request).
PADDOCK_HTTP_CONCURRENCY = env_int("PADDOCK_HTTP_CONCURRENCY", 4)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Live timing sockets one client address may hold open per server process (0: no cap). Behind a
# reverse proxy the address is the one uvicorn takes from X-Forwarded-For (--proxy-headers).
LIVE_MAX_SOCKETS_PER_CLIENT = env_int("PADDOCK_LIVE_MAX_SOCKETS_PER_CLIENT", 20)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Accounts (django-allauth): e-mail only, verified before first login.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Failed sign-ins (config.account_adapter): "login_failed" counts per client address and per
# account at that address; "login_failed_account" per account, only from addresses the account
# has never signed in from, so a stranger's failures never lock the owner out of a known network.
ACCOUNT_ADAPTER = "config.account_adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login_failed_account": "10/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "change_password": "5/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Paddock] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env_str(
    "ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http" if DEBUG else "https"
)
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# One date style per language on every page (config/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Private uploads (licence documents): never served directly, only through a checked view.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))

# Encryption at rest of personal data (config/crypto.py): Fernet keys, comma-separated, the first
# encrypts and all decrypt (rotation: put a new key first, run `manage.py reencrypt_private_data`,
# then remove the old one). PADDOCK_LOOKUP_KEY keys the hashes staff match numbers against.
# Development and tests get fixed keys; production has none unless set (`check --deploy` says so).
PADDOCK_ENCRYPTION_KEYS = env_list("PADDOCK_ENCRYPTION_KEYS", [])
PADDOCK_LOOKUP_KEY = env_str("PADDOCK_LOOKUP_KEY")
if DEBUG and not PADDOCK_ENCRYPTION_KEYS:
    PADDOCK_ENCRYPTION_KEYS = ["ZGV2ZWxvcG1lbnQtb25seS1rZXktbm90LXNlY3JldCE="]
if DEBUG and not PADDOCK_LOOKUP_KEY:
    PADDOCK_LOOKUP_KEY = "development-only-lookup-key"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Request body limits, enforced by config.middleware.RequestBodySizeLimit before Django reads a
# body (a larger Content-Length is refused at once, a chunked body is cut off at the limit). The
# views named here take file uploads (licence scans, posters, results and lap CSVs) and get the
# larger limit, as does the admin; every other address gets the small one. The largest ordinary
# POST, a Stripe webhook, is a few kilobytes.
PADDOCK_MAX_BODY_BYTES = env_int("PADDOCK_MAX_BODY_BYTES", 1024 * 1024)
PADDOCK_MAX_UPLOAD_BODY_BYTES = env_int("PADDOCK_MAX_UPLOAD_BODY_BYTES", 10 * 1024 * 1024)
PADDOCK_UPLOAD_URL_NAMES = [
    "racing:licence-create",
    "racing:licence-edit",
    "events:event-create",
    "events:event-edit",
    "events:results-upload",
    "events:laps-upload",
    "events:fapiao-issue",
]
# Form fields (everything but files) never need more than the small limit; an upload bigger than
# it goes to a temporary file rather than memory (bounded by the upload limit above).
DATA_UPLOAD_MAX_MEMORY_SIZE = PADDOCK_MAX_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = PADDOCK_MAX_BODY_BYTES

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Account mail is sent inside the request, and mail about an entry on the process's mail thread:
# a mail server that accepts the connection but never answers must hold neither forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# Mail about an entry (the confirmation to a driver who just took a place, the co-driver's
# invitation) is composed, recorded and sent on one background thread per process once the
# registration commits, not in the driver's request (config.mail.after_commit_in_background).
PADDOCK_MAIL_IN_BACKGROUND = env_bool("PADDOCK_MAIL_IN_BACKGROUND", True)
# While requests queue for their turn into Django (a registration rush), that thread holds its
# mail until none has waited for PADDOCK_MAIL_QUIET_SECONDS, and at most
# PADDOCK_MAIL_DEFER_SECONDS: the drivers are answered first, their mail follows seconds later.
PADDOCK_MAIL_QUIET_SECONDS = env_float("PADDOCK_MAIL_QUIET_SECONDS", 0.2)
PADDOCK_MAIL_DEFER_SECONDS = env_float("PADDOCK_MAIL_DEFER_SECONDS", 10.0)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Paddock <noreply@paddock.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Payments: with no secret key, entries are paid at the track.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE")  # only for tests against a local fake Stripe
# Organizers' own WeChat Pay and Alipay accounts (their keys are per organization, in the
# database); these only point the clients at a local fake server in tests.
WECHATPAY_API_BASE = env_str("WECHATPAY_API_BASE", "https://api.mch.weixin.qq.com")
ALIPAY_GATEWAY = env_str("ALIPAY_GATEWAY", "https://openapi.alipay.com/gateway.do")
WECHAT_OAUTH_AUTHORIZE = env_str(
    "WECHAT_OAUTH_AUTHORIZE", "https://open.weixin.qq.com/connect/oauth2/authorize"
)
WECHAT_OAUTH_API = env_str("WECHAT_OAUTH_API", "https://api.weixin.qq.com")
PADDOCK_HOLD_MINUTES = env_int("PADDOCK_HOLD_MINUTES", 30)
PADDOCK_WAITLIST_OFFER_HOURS = env_int("PADDOCK_WAITLIST_OFFER_HOURS", 24)
# Row-lock waits (PostgreSQL): a webhook gives up sooner (503, Stripe retries) than a driver
# queueing for a place in a registration rush.
PADDOCK_LOCK_TIMEOUT_MS = env_int("PADDOCK_LOCK_TIMEOUT_MS", 5000)
PADDOCK_REGISTRATION_LOCK_TIMEOUT_MS = env_int("PADDOCK_REGISTRATION_LOCK_TIMEOUT_MS", 30000)
# Links in e-mails. Without a setting they point at the local server on the port it serves
# (`PORT=9000 make demo`), so a demo on another port does not mail links to port 8000.
PADDOCK_SITE_URL = env_str("PADDOCK_SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}")
# What account e-mails (address confirmation, password reset) call the site.
PADDOCK_SITE_NAME = env_str("PADDOCK_SITE_NAME", "Paddock")

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content security policy (django-csp): every page loads its scripts, styles, images and sockets
# from this site only and needs no inline code (JSON data goes in <script type="application/json">,
# which is never executed). Production enforces the policy; development sends the same policy as
# report-only, so a violation shows in the browser console (and fails the browser tests, which
# watch the console) without breaking Django's own debug pages.
_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        # 'self' covers ws:/wss: to this host for the live board's socket (CSP level 3).
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        # Browsers apply form-action to the redirect after a POST too: paying leaves for Stripe
        # Checkout, Alipay's cashier (its gateway redirects within alipay.com), WeChat Pay's
        # H5 page (wx.tenpay.com) or, inside WeChat, WeChat's sign-in (open.weixin.qq.com).
        "form-action": [
            SELF,
            "https://checkout.stripe.com",
            "https://openapi.alipay.com",
            "https://*.alipay.com",
            "https://wx.tenpay.com",
            "https://open.weixin.qq.com",
        ],
    }
}
if DEBUG:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CONTENT_SECURITY_POLICY
else:
    CONTENT_SECURITY_POLICY = _CONTENT_SECURITY_POLICY

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"expected_refusals": {"()": "config.log_filters.SkipExpectedRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # "Class full" and "already entered" (409) are answers, not errors (config.log_filters).
        "django.request": {"filters": ["expected_refusals"]},
    },
}
