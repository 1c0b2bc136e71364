"""Calendar benchmark: the public list, the API and the iCalendar feeds on a big calendar.

    .venv/bin/python bench/events_calendar.py [--events 2000] [--repeat 7]

Builds a throw-away SQLite database with `events` published events (4 sessions and 2 classes
each) over two years, then prints, for each page: the number of SQL queries, the median time of
`repeat` requests through Django's test client, and the response size. Feeds are timed three ways: served from the cache of built feeds, built (cache cleared), and
revalidated with If-None-Match (304). Figures only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.count += 1
        return execute(sql, params, many, context)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="paddock-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Development settings (plain static files, no HTTPS redirect), as the demo runs them.
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from datetime import timedelta
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from events.models import EntryClass, Event, Session
    from racing.models import Organization

    setup_test_environment()
    # as Django's test runner does: keep one connection across requests
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    call_command("migrate", verbosity=0)
    organizations = [
        Organization.objects.create(name=f"Club {n}", slug=f"club-{n}", contact_email="c@x.test")
        for n in range(2)
    ]
    tiers = ["national", "local_heritage", "karting", "nev"]
    provinces = ["shanghai", "guangdong", "zhejiang", "beijing", "sichuan"]
    now = timezone.now().replace(second=0, microsecond=0)
    events = []
    for n in range(args.events):
        start = now + timedelta(days=n * 730 // args.events - 60, hours=n % 8)
        events.append(
            Event(
                organization=organizations[n % 2],
                title=f"Round {n}",
                slug=f"round-{n}",
                tier=tiers[n % 4],
                discipline="circuit",
                venue_name="Circuit",
                province=provinces[n % 5],
                city="City",
                starts_at=start,
                ends_at=start + timedelta(hours=10),
                status=Event.Status.PUBLISHED,
                registration_opens_at=start - timedelta(days=60),
                registration_closes_at=start - timedelta(days=1),
            )
        )
    Event.objects.bulk_create(events, batch_size=500)
    events = list(Event.objects.all())
    Session.objects.bulk_create(
        [
            Session(
                event=e,
                kind="race",
                name=f"Race {k}",
                starts_at=e.starts_at + timedelta(hours=k * 2),
                ends_at=e.starts_at + timedelta(hours=k * 2 + 1),
            )
            for e in events
            for k in range(4)
        ],
        batch_size=1000,
    )
    EntryClass.objects.bulk_create(
        [
            EntryClass(event=e, name=f"Class {k}", capacity=30, fee=Decimal("800"))
            for e in events
            for k in range(2)
        ],
        batch_size=1000,
    )

    client = Client()
    slug = events[len(events) // 2].slug
    pages = [
        ("list page", "/events/"),
        ("list page, filtered + search", "/events/?tier=karting&province=guangdong&q=round"),
        ("list page, page 5", "/events/?when=all&page=5"),
        ("event page", f"/events/{slug}/"),
        ("API list", "/api/events/?when=all"),
        ("API event", f"/api/events/{slug}"),
        ("single event .ics", f"/events/{slug}/calendar.ics"),
        ("tier feed (national)", "/calendar/tier/national.ics"),
        ("organizer feed", "/calendar/organizer/club-0.ics"),
    ]
    print(f"{args.events} events, {4 * args.events} sessions, {2 * args.events} classes")
    print(f"{'page':34} {'queries':>7} {'median ms':>10} {'bytes':>10}")
    for label, url in pages:
        executed = QueryCounter()
        with connection.execute_wrapper(executed):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        print(
            f"{label:34} {executed.count:>7} {statistics.median(times):>10.1f} "
            f"{len(response.content):>10}"
        )
        if url.endswith(".ics"):
            from django.core.cache import cache

            times = []
            for _ in range(args.repeat):
                cache.clear()
                began = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - began) * 1000)
            print(f"{'  ... built (cache cleared)':34} {'':>7} {statistics.median(times):>10.1f}")
            times = []
            for _ in range(args.repeat):
                began = time.perf_counter()
                again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
                times.append((time.perf_counter() - began) * 1000)
            assert again.status_code == 304
            print(
                f"{'  ... revalidated (304)':34} {'':>7} {statistics.median(times):>10.1f} {0:>10}"
            )


if __name__ == "__main__":
    main()
