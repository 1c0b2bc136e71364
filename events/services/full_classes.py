"""Classes known to be full, kept in the cache so that the refusals of a rush read no places.

In an opening rush nine drivers in ten post to a class that has just filled. Counting its places
for each of them (and reading the class) costs two queries a driver; once one request has counted
the class full, the others learn it from the cache (Redis in production, shared by every worker).

A marker must never keep a driver out of a place that is free, so it only counts while nothing
that could free one has happened since it was written:

- its value is the event's **places generation** (`events.services.page_cache`) read *before*
  the places were counted. Every write to an entry of the event (a cancellation, a rejection, a
  lapsed hold or offer released, a waiting-list offer, a refund that cancels) bumps it, at once
  and again after commit, and so does every write to one of its classes (a capacity change): a
  marker written from a count made before such a write names an old generation and is ignored;
- a hold or an offer that lapses frees its place without any write, so a marker lives no longer
  than until the first hold or offer of the class lapses;
- and no longer than `FULL_SECONDS` whatever happens: the fallback to the database when a write
  bypassed the signals (a queryset `update()`), or with the per-process memory cache of a server
  without REDIS_URL, where a change in one process does not reach another's cache.

A marker only ever refuses early; places are still taken under the event's row lock, which checks
everything again, so it can never oversell. The entry page also keeps a marker it read in its
server process for `KNOWN_FULL_SECONDS` (events.views.entries), so that most refusals of a rush
make no round trip to the cache: a place freed by another process may be refused for that second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from events.models import Entry, EntryClass
from events.services import page_cache

FULL_SECONDS = 10
KEY = "events:full:{event_id}:{class_id}"


@dataclass(frozen=True)
class Marker:
    """What the cache says about a class: `full`, and if so whether the class lets a driver of
    another class of the event enter it too (what the second-entry rule needs of the class)."""

    generation: int
    full: bool = False
    allows_additional_entry: bool = False
    until: float = math.inf  # a full marker counts until then (a timestamp, the app's clock)


def read(*, event_id: int, entry_class_id: int, now: datetime | None = None) -> Marker:
    """One round trip to the cache: the event's places generation and the class's marker."""
    found = cache.get_many(keys(event_id=event_id, entry_class_id=entry_class_id))
    return marker_from(found, event_id=event_id, entry_class_id=entry_class_id, now=now)


def keys(*, event_id: int, entry_class_id: int) -> list[str]:
    """The cache keys `read` reads, for a caller that reads them along with its own."""
    return [
        page_cache.PLACES_KEY.format(event_id=event_id),
        KEY.format(event_id=event_id, class_id=entry_class_id),
    ]


def marker_from(
    found: dict[str, Any], *, event_id: int, entry_class_id: int, now: datetime | None = None
) -> Marker:
    """The marker from what a `cache.get_many` of `keys(...)` found."""
    places_key, key = keys(event_id=event_id, entry_class_id=entry_class_id)
    generation = found.get(places_key)
    if generation is None:
        return Marker(generation=page_cache.places_generation(event_id))
    marker = found.get(key)
    if (
        isinstance(marker, tuple)
        and len(marker) == 3
        and marker[0] == generation
        and (now or timezone.now()).timestamp() < marker[2]
    ):
        return Marker(
            generation=int(generation),
            full=True,
            allows_additional_entry=marker[1],
            until=marker[2],
        )
    return Marker(generation=int(generation))


def count_full(entry_class: EntryClass, *, generation: int, now: datetime) -> bool:
    """Whether the class has no place left (one read); if so, remember it under `generation`,
    the places generation read before this count."""
    places = entry_class.entries.holding_places(now).aggregate(
        taken=Count("pk"),
        next_lapse=Min("expires_at", filter=Q(status__in=Entry.EXPIRING_STATUSES)),
    )
    if places["taken"] < entry_class.capacity:
        return False
    seconds = float(FULL_SECONDS)
    if places["next_lapse"] is not None:
        seconds = min(seconds, (places["next_lapse"] - now).total_seconds())
    if seconds > 0:
        # Until when, by the application's clock (the cache's may differ): checked on reading.
        until = now.timestamp() + seconds
        cache.set(
            KEY.format(event_id=entry_class.event_id, class_id=entry_class.pk),
            (generation, entry_class.allows_additional_entry, until),
            math.ceil(seconds),
        )
    return True


def _on_class_write(sender: Any, instance: EntryClass, **kwargs: Any) -> None:
    # A new capacity (or a class gone) changes the places of the class: markers of the event
    # are forgotten along with its cached pages.
    page_cache.places_changed(event_id=instance.event_id)


def connect() -> None:
    """Entry writes already bump the places generation (page_cache.connect); class writes too."""
    for signal in (post_save, post_delete):
        signal.connect(_on_class_write, sender=EntryClass, dispatch_uid="full-classes-class")
