"""The audit trail page and its CSV run the same number of queries for 3 rows as for 50 (a full
page) and more, whoever wrote them and whichever entries they are about."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import AuditLog, Entry

pytestmark = [pytest.mark.django_db]


def count_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("query", ["", "?q=r&kind=entries&since=2000-01-01"])
@pytest.mark.parametrize("name", ["events:manage-audit", "events:manage-audit-csv"])
def test_the_query_count_does_not_grow_with_the_rows(
    client: Any, staff_member: Any, event: Any, make_user: Any, name: str, query: str
) -> None:
    entry_class = event.entry_classes.get()
    counter = iter(range(1, 1000))

    def add(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            who = make_user(f"racer{i}@example.test", first_name=f"R{i}")
            entry = Entry.objects.create(
                event=event,
                entry_class=entry_class,
                driver=who,
                status=Entry.Status.CONFIRMED,
                car_number=i,
                place_number=i,
                fee_minor=0,
                currency="CNY",
            )
            AuditLog.objects.create(event=event, entry=entry, action="checked_in", actor=who)
            AuditLog.objects.create(event=event, action="live_transponder", actor=staff_member)

    url = reverse(name, args=[event.organization.slug, event.slug]) + query
    client.force_login(staff_member)
    add(2)
    few = count_queries(client, url)
    add(60)
    many = count_queries(client, url)
    assert few == many
    assert many <= 8
