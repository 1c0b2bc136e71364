"""Crawl the demo site as a visitor, a driver and an organizer: no link leads to a server error.

The demo data (`seed_demo`) is the richest world the tests have: events of every tier, entries in
every state, results, championships and a live session. Every page reachable by following links
from the home page and the account pages is fetched with GET, as each persona.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from events.models import Championship, Deposit, Event
from live.demo import sessions as live_demo
from live.models import LiveSession
from racing.demo.registry import ADMIN_EMAIL, DRIVER_EMAIL, ORGANIZER_EMAIL

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/media/", "/admin/", "/accounts/logout/", "/i18n/")
MAX_PAGES = 1000
MAX_QUERIES_PER_PATH = 3


def crawl(client: Client, starts: list[str]) -> tuple[set[str], list[str]]:
    """(URLs fetched, 'status path' for every 5xx)."""
    queue, seen, errors = deque(starts), set(starts), []
    done: set[str] = set()
    queries_per_path: Counter[str] = Counter()
    fetched = 0
    while queue and fetched < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        fetched += 1
        done.add(url)
        if response.status_code >= 500:
            errors.append(f"{response.status_code} {url}")
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith("text/html"):
            continue
        for href in LINK.findall(response.content.decode()):
            href = href.replace("&amp;", "&")
            if href in seen or href.startswith(SKIP):
                continue
            path = urlsplit(href).path
            if urlsplit(href).query:
                queries_per_path[path] += 1
                if queries_per_path[path] > MAX_QUERIES_PER_PATH:
                    continue
            seen.add(href)
            queue.append(href)
    return done, errors


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", stdout=StringIO())


@pytest.mark.parametrize("persona", ["visitor", DRIVER_EMAIL, ORGANIZER_EMAIL, ADMIN_EMAIL])
def test_no_page_linked_from_the_demo_is_a_server_error(demo: None, persona: str) -> None:
    client = Client(raise_request_exception=False)
    # The JSON API is not linked from pages: its documents are fetched directly.
    starts = [
        "/",
        "/api/events/",
        *(f"/api/events/{slug}" for slug in Event.objects.values_list("slug", flat=True)),
        *(f"/api/events/{slug}/results" for slug in Event.objects.values_list("slug", flat=True)),
        *(
            f"/api/events/championships/{slug}/standings"
            for slug in Championship.objects.values_list("slug", flat=True)
        ),
        *(f"/api/live/sessions/{pk}/" for pk in LiveSession.objects.values_list("pk", flat=True)),
    ]
    if persona != "visitor":
        client.force_login(get_user_model().objects.get(email=persona))
        starts += ["/accounts/email/", "/organizer/"]
    assert any(url.startswith("/api/live/") for url in starts)

    fetched, errors = crawl(client, starts)

    assert errors == []
    assert len(fetched) > 20  # the crawl really went through the site
    # ... and reached what the demo shows of the newer features.
    for url in expected_pages(persona):
        assert url in fetched, url


def expected_pages(persona: str) -> list[str]:
    # The P3 replay is made from a capture outside the repository: a fresh clone's demo has none.
    p3 = LiveSession.objects.filter(source=LiveSession.Source.P3).first()
    assert (p3 is not None) == live_demo.P3_CAPTURE.is_file()
    kart_night = Deposit.objects.filter(status=Deposit.Status.HELD).get().entry
    pages = [
        f"/championships/{Championship.objects.get().slug}/",
        f"/api/events/championships/{Championship.objects.get().slug}/standings",
    ]
    if persona == DRIVER_EMAIL:
        pages += ["/driver/licences/", f"/entries/{kart_night.pk}/"]
    if persona == ORGANIZER_EMAIL:
        org = kart_night.event.organization.slug
        pages += [
            f"/organizer/{org}/live/",
            f"/organizer/{org}/events/{kart_night.event.slug}/entries/",
            f"/organizer/{org}/classes/rookie-karting/",
            "/organizer/shanghai-motor-club/classes/team-endurance/",
        ]
        if p3 is not None:
            pages.append(f"/organizer/{org}/live/{p3.pk}/transponders/")
    return pages
