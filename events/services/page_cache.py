"""Cached public pages: the event list, an event's page, the home page and the events API.

What those pages show changes rarely (an organizer edits an event) or in bursts on one event (a
registration rush changes its places left), and is the same for every visitor in one language.
So the part of each page that depends only on the data (its `content` block, or the API's JSON)
is built once and kept in the cache under a key made of:

- the **catalogue generation**, bumped on every write to an event, its sessions, classes, refund
  policy, organizer or competition class (model signals, and `touch_event`, which writes with
  `update()`): any such change makes every cached page a miss;
- for an event's page, that **event's places generation**, bumped on every write to one of its
  entries, so that a rush on one event does not empty the cache of every other page;
- the language, the filters (the query string), the host and scheme (pages carry absolute links).

A generation is bumped at once (the writing request, and tests, which never commit, see the
change) and again after commit: a reader that took the old generation and read the database
before the commit stores its page under a key nobody asks for any more.

Time changes pages without a write: a registration window opens, an event ends, a hold lapses.
So an entry lives at most `PAGE_CACHE_SECONDS`, and an event's page no longer than until the next
moment its state changes (registration opens or closes, the event starts or ends), so the "Enter"
button appears on the second registration opens. Places left may lag a lapsed hold by at most
`PAGE_CACHE_SECONDS`; the registration service never relies on the page.

With several server processes the cache must be shared (REDIS_URL) for a change in one process
to reach the pages of another; with the per-process memory cache they converge after
`PAGE_CACHE_SECONDS`.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

PAGE_CACHE_SECONDS = 30
# "Live now" (the boards on air, from the live app through events.hooks.live_now): kept briefly,
# and dropped at once when a live session is written (live.apps connects `live_changed`).
LIVE_NOW_SECONDS = 5
CATALOGUE_KEY = "events:pages:catalogue"
LIVE_KEY = "events:pages:live"
PLACES_KEY = "events:pages:places:{event_id}"

T = TypeVar("T")


def _read(key: str) -> int:
    value = cache.get(key)
    if value is None:
        # Never 0 after a restart or an eviction: a fresh start must not meet an old page.
        value = time.time_ns()
        if not cache.add(key, value, None):
            value = cache.get(key, value)
    return int(value)


def _bump_now(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not in the cache: any fresh value is new
        cache.set(key, time.time_ns(), None)


# Every change of a catalogue or places generation made by this process, counted: what a process
# keeps of them for a moment (the entry page's classes known full) it drops at its own next change.
_changes = 0
_changes_guard = threading.Lock()


def _bump(key: str) -> None:
    _count_and_bump(key)
    transaction.on_commit(lambda: _count_and_bump(key))


def _count_and_bump(key: str) -> None:
    global _changes
    with _changes_guard:
        _changes += 1
    _bump_now(key)


def changes_in_this_process() -> int:
    """How many catalogue or places changes this process has made (see `_bump`)."""
    return _changes


def catalogue_generation() -> int:
    return _read(CATALOGUE_KEY)


def places_generation(event_id: int) -> int:
    return _read(PLACES_KEY.format(event_id=event_id))


def catalogue_changed() -> None:
    """Every cached page is out of date (call after a write signals do not see)."""
    _bump(CATALOGUE_KEY)


def places_changed(*, event_id: int) -> None:
    _bump(PLACES_KEY.format(event_id=event_id))


def live_changed(*, update_fields: Any = None, **kwargs: Any) -> None:
    """A live session was written (a signal receiver): "Live now" is read again if its status may
    have changed. Bumped at once only, not again after commit: the ingest writes a session many
    times a second, and "Live now" is kept for a few seconds anyway."""
    if update_fields is None or "status" in update_fields:
        _bump_now(LIVE_KEY)


def live_now(*, event_slug: str = "") -> list[Any]:
    """The "Live now" items (events.hooks), read at most every `LIVE_NOW_SECONDS`."""
    from events.hooks import collect_live_now

    key = cache_key("live-now", _read(LIVE_KEY), event_slug)
    return cached(key, lambda: (collect_live_now(event_slug=event_slug), LIVE_NOW_SECONDS))


def cache_key(kind: str, *parts: object) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"events:pages:{kind}:{digest}"


def moments_of(events: Iterable[Any]) -> list[datetime | None]:
    """When these events change what a page shows by themselves (badges, the Enter button)."""
    return [
        moment
        for event in events
        for moment in (
            event.registration_opens_at,
            event.registration_closes_at,
            event.starts_at,
            event.ends_at,
        )
    ]


def lifetime(moments: Iterable[datetime | None], *, now: datetime) -> int:
    """Seconds a page may be kept: `PAGE_CACHE_SECONDS`, or less if one of `moments` (when the
    page would change by itself) comes sooner. 0: do not keep it."""
    seconds: float = PAGE_CACHE_SECONDS
    for moment in moments:
        if moment is not None and moment > now:
            seconds = min(seconds, (moment - now).total_seconds())
    return int(seconds)


def cached(key: str, build: Callable[[], tuple[T, int]]) -> T:
    """The cached value under `key`, or `build()`'s value kept for its lifetime in seconds."""
    value = cache.get(key)
    if value is None:
        value, seconds = build()
        if seconds > 0:
            cache.set(key, value, seconds)
    return value  # type: ignore[no-any-return]


def _on_catalogue_write(sender: Any, **kwargs: Any) -> None:
    catalogue_changed()


def _on_entry_write(sender: Any, instance: Any, **kwargs: Any) -> None:
    places_changed(event_id=instance.event_id)


def connect() -> None:
    """Invalidate on every write to what the cached pages show (called by EventsConfig.ready)."""
    from events.models import Entry, EntryClass, Event, RefundPolicy, Session
    from racing.models import CompetitionClass, Organization

    for model in (Event, Session, EntryClass, RefundPolicy, Organization, CompetitionClass):
        for signal in (post_save, post_delete):
            signal.connect(_on_catalogue_write, sender=model, dispatch_uid=f"pages-{model}")
    for signal in (post_save, post_delete):
        signal.connect(_on_entry_write, sender=Entry, dispatch_uid="pages-entry")
