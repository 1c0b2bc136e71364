"""The list page and the API list run the same number of queries for 3 events as for 40."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> int:
    # What building the page costs: the pages are cached (events.services.page_cache), and a
    # cached page runs no query at all (test_public_pages_are_cached_until_something_they_show_changes).
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [reverse("events:event-list"), "/api/events/", "/"])
def test_the_query_count_does_not_grow_with_the_number_of_events(
    client, make_event, make_organization, make_session, url
):
    def add(n: int, offset: int) -> None:
        for i in range(n):
            organization = make_organization(f"Club {offset + i}")
            event = make_event(
                organization=organization, starts_at=timezone.now() + timedelta(days=offset + i + 1)
            )
            make_session(event)

    add(3, 0)
    few = count_queries(client, url)
    add(37, 100)
    many = count_queries(client, url)
    assert few == many
    assert many <= 5
