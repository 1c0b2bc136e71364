"""At the sign-on desk staff type a car number or part of a name and get that entry, not every
entry whose number contains the digits."""

from __future__ import annotations

from typing import Any

import pytest

from events.models import Entry
from events.services.registration import update_entry_day

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def field(event: Any, make_user: Any, register: Any, settings: Any, staff_member: Any) -> Any:
    settings.STRIPE_SECRET_KEY = ""
    entry_class = event.entry_classes.get()
    for email, first, last, number in [
        ("li@example.test", "雷", "李", 7),
        ("chen@example.test", "新", "陈", 17),
        ("zhao@example.test", "Wei", "Zhao", 71),
    ]:
        entry = register(make_user(email, first_name=first, last_name=last), entry_class)
        update_entry_day(entry_id=entry.pk, actor=staff_member, car_number=number)
    return event


def drivers_listed(client: Any, event: Any, **params: str) -> list[str]:
    url = f"/organizer/{event.organization.slug}/events/{event.slug}/entries/"
    response = client.get(url, params)
    assert response.status_code == 200
    entries: list[Entry] = list(response.context["entries"])
    return sorted(entry.driver.email for entry in entries)


def test_a_car_number_finds_exactly_that_car(client: Any, staff_member: Any, field: Any) -> None:
    client.force_login(staff_member)

    assert drivers_listed(client, field, q="7") == ["li@example.test"]
    assert drivers_listed(client, field, q=" 71 ") == ["zhao@example.test"]


def test_part_of_a_name_finds_the_driver(client: Any, staff_member: Any, field: Any) -> None:
    client.force_login(staff_member)

    assert drivers_listed(client, field, q="陈") == ["chen@example.test"]
    assert drivers_listed(client, field, q="zha") == ["zhao@example.test"]


def test_no_match_and_odd_input_list_nothing_without_failing(
    client: Any, staff_member: Any, field: Any
) -> None:
    client.force_login(staff_member)

    assert drivers_listed(client, field, q="99") == []
    assert drivers_listed(client, field, q="9" * 40) == []
    assert drivers_listed(client, field, q="%_\\'") == []
    assert len(drivers_listed(client, field, q="")) == 3
