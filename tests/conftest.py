"""Shared test setup: personas, service markers and the real-server fixtures."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model

from racing.models import Membership, Organization
from tests.fakes.smtp_server import DownMailServer

SHARED_TIMING = os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "timing")
)
REQUIRE_SERVICES = os.environ.get("PADDOCK_REQUIRE_SERVICES") == "1"
PASSWORD = "correct-horse-battery-42"


def uses_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def uses_redis() -> bool:
    return bool(getattr(settings, "REDIS_URL", ""))


def pytest_configure(config: pytest.Config) -> None:
    if REQUIRE_SERVICES and not (uses_postgres() and uses_redis()):
        pytest.exit(
            "PADDOCK_REQUIRE_SERVICES=1 but DATABASE_URL/REDIS_URL do not point at "
            "PostgreSQL and Redis",
            returncode=3,
        )


def under_libfaketime() -> bool:
    """CI's second run shifts the clock with libfaketime, which fakes the monotonic clock but not
    glibc's sem_clockwait: a lock or condition wait with a timeout (`Condition.wait(0.3)`) then
    never times out. Nothing about dates depends on such a wait, and CI's first run, on the real
    clock, runs those tests."""
    return "faketime" in os.environ.get("LD_PRELOAD", "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Playwright's sync API keeps an event loop running in the main thread for as long as the
    # browser lives, which breaks asyncio tests that come after: browser tests run last.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    for item in items:
        if item.get_closest_marker("postgres") and not uses_postgres():
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI does)"))
        if item.get_closest_marker("redis") and not uses_redis():
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL (CI does)"))
        if item.get_closest_marker("timed_waits") and under_libfaketime():
            item.add_marker(
                pytest.mark.skip(
                    reason="libfaketime's clock never times out a timed lock wait; "
                    "runs on the real clock (CI's first run)"
                )
            )


@pytest.fixture(autouse=True)
def _private_media_in_a_temp_dir(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Licence scans written by tests must not pile up in the project's private_media/.
    settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.getbasetemp() / "private_media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _requests_keep_the_test_connection(request: pytest.FixtureRequest) -> Any:
    """Requests made by calling the WSGI/ASGI app directly (schemathesis, not Django's test
    client) must not close the test's database connection when they finish.

    Django closes a connection at the end of a request when its autocommit differs from the
    configured one, which is always the case inside a test transaction: on PostgreSQL the next
    query would then find "the connection is closed". Django's own test client disconnects the
    same handler; tests with a server (live_server, or the browser tests' uvicorn in asgi_server)
    keep it, because each server thread has its own connection and must close it.
    """
    if "live_server" in request.fixturenames or "asgi_server" in request.fixturenames:
        yield
        return
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _starting_issuers(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush the tables, the data migration's licence issuers with them; put
    them back for every database test that follows (licences need them)."""
    if request.node.get_closest_marker("django_db") is not None:
        request.getfixturevalue("db")
        from racing.services.licences import ensure_starting_issuers

        ensure_starting_issuers()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Rate limits live in the cache: each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    def make(email: str, *, verified: bool = True, **extra: Any) -> Any:
        User = get_user_model()
        user = User.objects.create_user(
            username=email.split("@")[0] + str(User.objects.count()),
            email=email,
            password=PASSWORD,
            **extra,
        )
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        return user

    return make


@pytest.fixture
def make_organization(db: None) -> Callable[..., Organization]:
    def make(
        name: str = "Shanghai Motor Club", *, owner: Any = None, staff: Any = None, **fields: Any
    ) -> Organization:
        slug = fields.pop("slug", None) or name.lower().replace(" ", "-")
        organization = Organization.objects.create(
            name=name, slug=slug, contact_email=f"contact@{slug}.test", **fields
        )
        if owner is not None:
            Membership.objects.create(organization=organization, user=owner, role="owner")
        if staff is not None:
            Membership.objects.create(organization=organization, user=staff, role="staff")
        return organization

    return make


@pytest.fixture
def organizer(make_user: Callable[..., Any]) -> Any:
    """Owner of `organization`."""
    return make_user("owner@club.test")


@pytest.fixture
def staff_member(make_user: Callable[..., Any]) -> Any:
    """Staff (not owner) of `organization`."""
    return make_user("staff@club.test")


@pytest.fixture
def outsider(make_user: Callable[..., Any]) -> Any:
    """Owner of `other_organization`, a rival club: must never see `organization`'s data."""
    return make_user("rival@other.test")


@pytest.fixture
def driver(make_user: Callable[..., Any]) -> Any:
    return make_user("driver@example.test", first_name="Min", last_name="Zhang")


@pytest.fixture
def organization(
    make_organization: Callable[..., Organization], organizer: Any, staff_member: Any
) -> Organization:
    return make_organization("Shanghai Motor Club", owner=organizer, staff=staff_member)


@pytest.fixture
def other_organization(
    make_organization: Callable[..., Organization], outsider: Any
) -> Organization:
    return make_organization("Rival Racing", owner=outsider)


@pytest.fixture
def shared_timing_dir() -> str:
    if not os.path.isdir(SHARED_TIMING):
        pytest.skip(f"timing captures not found at {SHARED_TIMING} (only in the project workspace)")
    return SHARED_TIMING


@pytest.fixture
def mail_server_down(settings: Any) -> Iterator[DownMailServer]:
    """The real SMTP backend, pointed at a local port where nothing listens (a dead mail server).

    `mail_server_down.start()` brings a real SMTP server up on that port and returns what it
    receives.
    """
    server = DownMailServer(settings)
    yield server
    server.close()
