"""Page times with 1,000 events: the event list, an event page, the feeds and the API, each timed
side by side with a trivial view in the same run, so the ratio says what the page itself costs.

    .venv/bin/python bench/pages.py [--events 1000] [--requests 60]

Seeds a fresh SQLite file in a temporary directory (or the database in --database-url), then
sends requests in-process through Django's full middleware stack with its test client,
round-robin across the pages so every page sees the same machine load. Prints median and p95
milliseconds, the ratio of the median to the trivial view's, and queries per request. Figures
only, never a verdict.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TIERS = ["national", "heritage", "karting", "nev"]
DISCIPLINES = ["circuit", "rally", "karting", "gymkhana"]


def configure(database_url: str | None) -> str:
    workdir = tempfile.mkdtemp(prefix="paddock-pages-")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir}/pages.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Development settings (plain static files, no HTTPS redirect), as the demo runs them.
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings

    # Production-like request handling: no debug pages, no per-query bookkeeping.
    settings.DEBUG = False
    settings.ROOT_URLCONF = "bench_pages_urls"
    sys.modules["bench_pages_urls"] = _urlconf()
    return os.environ["DATABASE_URL"]


def _urlconf() -> object:
    import types

    from django.http import HttpResponse
    from django.urls import path

    from config.urls import urlpatterns

    def trivial(request: object) -> HttpResponse:
        return HttpResponse("ok")

    module = types.ModuleType("bench_pages_urls")
    module.urlpatterns = [path("bench/trivial/", trivial), *urlpatterns]  # type: ignore[attr-defined]
    return module


def seed(count: int) -> dict[str, str]:
    from django.core.management import call_command
    from django.utils import timezone

    from events.models import EntryClass, Event, Session
    from racing.models import Organization

    call_command("migrate", "--noinput", verbosity=0)
    organizations = [
        Organization.objects.create(
            name=f"Bench Club {n}", slug=f"bench-club-{n}", contact_email=f"c{n}@bench.test"
        )
        for n in range(10)
    ]
    now = timezone.now().replace(second=0, microsecond=0)
    events = []
    for n in range(count):
        starts = now + timedelta(days=n % 365 - 60, hours=n % 9)
        events.append(
            Event(
                organization=organizations[n % len(organizations)],
                title=f"Bench Cup round {n}",
                slug=f"bench-cup-{n}",
                tier=TIERS[n % len(TIERS)],
                discipline=DISCIPLINES[n % len(DISCIPLINES)],
                venue_name="Shanghai International Circuit",
                province="shanghai",
                city="Shanghai",
                starts_at=starts,
                ends_at=starts + timedelta(hours=8),
                status=Event.Status.PUBLISHED,
                published_at=now - timedelta(days=90),
                registration_opens_at=starts - timedelta(days=60),
                registration_closes_at=starts - timedelta(days=2),
                description="Practice, qualifying and two races. " * 5,
            )
        )
    Event.objects.bulk_create(events, batch_size=200)
    saved = list(Event.objects.order_by("id"))
    Session.objects.bulk_create(
        [
            Session(
                event=event,
                name=name,
                kind=kind,
                starts_at=event.starts_at + timedelta(hours=hour),
                ends_at=event.starts_at + timedelta(hours=hour, minutes=40),
            )
            for event in saved
            for hour, (name, kind) in enumerate(
                [("Practice", "practice"), ("Qualifying", "qualifying"), ("Race 1", "race")]
            )
        ],
        batch_size=500,
    )
    EntryClass.objects.bulk_create(
        [
            EntryClass(event=event, name=name, capacity=24, fee=Decimal(fee))
            for event in saved
            for name, fee in (("Rookie Cup", "800.00"), ("Pro", "1800.00"))
        ],
        batch_size=500,
    )
    middle = saved[len(saved) // 2]
    return {
        "trivial view (baseline)": "/bench/trivial/",
        "event list": "/events/",
        "event list, filtered by tier": "/events/?tier=karting",
        "event page": f"/events/{middle.slug}/",
        "iCalendar feed: one tier": "/calendar/tier/national.ics",
        "iCalendar feed: one organizer": f"/calendar/organizer/{organizations[0].slug}.ics",
        "iCalendar: one event": f"/events/{middle.slug}/calendar.ics",
        "API: event list": "/api/events/",
        "API: one event": f"/api/events/{middle.slug}",
        "home page": "/",
    }


def measure(pages: dict[str, str], requests: int) -> list[tuple[str, float, float, int, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    timings: dict[str, list[float]] = {name: [] for name in pages}
    queries: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for name, url in pages.items():  # warm caches and check every page answers
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        queries[name] = len(captured)
        sizes[name] = len(response.content)
    for _ in range(requests):
        for name, url in pages.items():
            start = time.perf_counter()
            client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
            timings[name].append((time.perf_counter() - start) * 1000)
    rows = []
    for name, values in timings.items():
        values.sort()
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        rows.append((name, statistics.median(values), p95, queries[name], sizes[name]))
    return rows


# The pages issue 19 holds to 10x a trivial view (served from events.services.page_cache).
RATIO_PAGES = (
    "event list",
    "event list, filtered by tier",
    "event page",
    "API: event list",
    "home page",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=60, help="per page")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    url = configure(args.database_url)
    from django.db import connection

    started = time.perf_counter()
    pages = seed(args.events)
    print(
        f"pages: {args.events} published events (3 sessions, 2 classes each) on "
        f"{connection.vendor} ({url.split('://')[0]}), seeded in "
        f"{time.perf_counter() - started:.1f} s; {args.requests} requests per page, round-robin, "
        "in-process through the full middleware stack, zh-hans; the pages after their first request,"
        " so the cached ones are served from the page cache (a change to any event empties it)"
    )
    rows = measure(pages, args.requests)
    baseline = rows[0][1]
    print(f"{'page':34} {'median ms':>10} {'p95 ms':>8} {'× trivial':>10} {'queries':>8} {'KB':>6}")
    for name, median, p95, count, size in rows:
        print(
            f"{name:34} {median:10.2f} {p95:8.2f} {median / baseline:10.1f} {count:8d}"
            f" {size / 1024:6.1f}"
        )
    for name, median, *_rest in rows:
        if name in RATIO_PAGES:
            print(f"ratio: {name} / trivial view: {median / baseline:.1f}x")


if __name__ == "__main__":
    main()
