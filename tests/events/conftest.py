"""Event factories for every events test (registration and results tests may use them too)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.text import slugify

from events.models import EntryClass, Event, Session
from racing.models import CompetitionClass, Organization

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware datetime in Shanghai time, the default zone of events."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def make_event(organization: Organization) -> Callable[..., Event]:
    counter = iter(range(1, 10_000))

    def make(**fields: Any) -> Event:
        n = next(counter)
        # A morning start in the event's zone, whatever the time of day the suite runs: refund
        # tiers and deadlines count calendar days there, so an event created at 23:30 Shanghai
        # time would start "a day earlier" for a test that moves the clock by whole days.
        day = timezone.localdate(timezone.now(), SHANGHAI) + timedelta(days=30 + n)
        default_start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=SHANGHAI)
        starts_at = fields.pop("starts_at", default_start)
        defaults: dict[str, Any] = {
            "organization": organization,
            "title": f"Club Cup round {n}",
            "slug": f"club-cup-{n}",
            "tier": "national",
            "discipline": "circuit",
            "venue_name": "Shanghai International Circuit",
            "province": "shanghai",
            "city": "Shanghai",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=9),
            "status": Event.Status.PUBLISHED,
            "registration_opens_at": starts_at - timedelta(days=60),
            "registration_closes_at": starts_at - timedelta(days=2),
        }
        defaults.update(fields)
        return Event.objects.create(**defaults)

    return make


@pytest.fixture
def make_session() -> Callable[..., Session]:
    def make(event: Event, **fields: Any) -> Session:
        fields.setdefault("kind", Session.Kind.RACE)
        fields.setdefault("starts_at", event.starts_at + timedelta(hours=1))
        fields.setdefault("ends_at", fields["starts_at"] + timedelta(minutes=30))
        return Session.objects.create(event=event, **fields)

    return make


@pytest.fixture
def make_competition_class() -> Callable[..., CompetitionClass]:
    """A competition class of an organization, with no eligibility rules unless given."""

    def make(
        organization: Organization, name: str = "Rookie Cup", **fields: Any
    ) -> CompetitionClass:
        fields.setdefault("tier", "national")
        fields.setdefault("discipline", "circuit")
        competition_class, _ = CompetitionClass.objects.get_or_create(
            organization=organization,
            slug=slugify(name) or "class",
            defaults={"name": name, **fields},
        )
        return competition_class

    return make


@pytest.fixture
def make_entry_class() -> Callable[..., EntryClass]:
    """An entry class. Without competition_class= it has none, so no eligibility check runs
    (the organizer form and services always set one)."""

    def make(event: Event, **fields: Any) -> EntryClass:
        fields.setdefault("name", "Rookie Cup")
        fields.setdefault("capacity", 24)
        fields.setdefault("fee", Decimal("800.00"))
        return EntryClass.objects.create(event=event, **fields)

    return make


@pytest.fixture
def event(
    make_event: Callable[..., Event],
    make_session: Callable[..., Session],
    make_entry_class: Callable[..., EntryClass],
) -> Event:
    """A published event of `organization` a month ahead, with one race and one class."""
    event = make_event(title="Shanghai Club Cup", slug="shanghai-club-cup")
    make_session(event, name="Race 1")
    make_entry_class(event)
    return event


@pytest.fixture
def english() -> Any:
    """Service messages in English (the site's default language is zh-hans)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_feed_cache() -> Any:
    """Built calendar feeds are cached by their rows' fingerprint; rows of one test must not
    meet the cached feed of another that happened to have the same ids and times."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
