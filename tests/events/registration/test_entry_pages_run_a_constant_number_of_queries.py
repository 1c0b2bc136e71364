from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = [pytest.mark.django_db]


def count_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_staff_list_and_csv_cost_the_same_for_one_or_many_entries(
    client: Any, event: Any, staff_member: Any, drivers: Any, register: Any, settings: Any
) -> None:
    settings.STRIPE_SECRET_KEY = ""
    entry_class = event.entry_classes.get()
    everyone = drivers(8)
    register(everyone[0], entry_class)
    client.force_login(staff_member)
    base = f"/organizer/{event.organization.slug}/events/{event.slug}/"

    few = (count_queries(client, base + "entries/"), count_queries(client, base + "entries.csv"))
    for who in everyone[1:]:
        register(who, entry_class)
    many = (count_queries(client, base + "entries/"), count_queries(client, base + "entries.csv"))

    assert few == many


def test_my_entries_costs_the_same_for_one_or_many_events(
    client: Any, make_event: Any, make_entry_class: Any, driver: Any, register: Any, settings: Any
) -> None:
    settings.STRIPE_SECRET_KEY = ""
    client.force_login(driver)
    register(driver, make_entry_class(make_event()))
    one = count_queries(client, "/entries/")

    for _ in range(4):
        register(driver, make_entry_class(make_event()))

    assert count_queries(client, "/entries/") == one
