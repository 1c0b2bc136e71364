"""Staff's entries page and entries CSV name a driver as the racing profile does ("张敏 ZHANG
Min"), not by the account ("Min Zhang") or the e-mail; an account without a profile is named
family name first when Chinese ("陈新", not "新 陈"), and by its e-mail only when it has no name."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from events.models import Entry
from tests.racing.factories import make_profile

pytestmark = [pytest.mark.django_db]


def entries_url(event: Any, suffix: str) -> str:
    return f"/organizer/{event.organization.slug}/events/{event.slug}/{suffix}"


@pytest.fixture
def entries(event: Any, make_user: Any, register: Any, make_entry_class: Any, settings: Any):
    settings.STRIPE_SECRET_KEY = ""
    profiled = make_user("zhang@example.test", first_name="Min", last_name="Zhang")
    make_profile(profiled, name_zh="张敏", name_latin="ZHANG Min")
    chinese = make_user("chen@example.test", first_name="新", last_name="陈")
    nameless = make_user("newbie@example.com")
    made = []
    for n, who in enumerate((profiled, chinese, nameless)):
        made.append(register(who, make_entry_class(event, name=f"Class {n}")))
    assert all(entry.status == Entry.Status.CONFIRMED for entry in made)
    return made


def test_the_entries_page(client: Any, staff_member: Any, entries: list[Entry]) -> None:
    client.force_login(staff_member)
    page = client.get(entries_url(entries[0].event, "entries/")).content.decode()
    assert "张敏 ZHANG Min" in page and "Min Zhang" not in page
    assert "陈新" in page and "新 陈" not in page
    assert "newbie@example.com" in page


def test_the_entries_csv(client: Any, staff_member: Any, entries: list[Entry]) -> None:
    client.force_login(staff_member)
    response = client.get(entries_url(entries[0].event, "entries.csv"), HTTP_ACCEPT_LANGUAGE="en")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = {row["E-mail"]: row["Driver"] for row in rows}
    assert names == {
        "zhang@example.test": "张敏 ZHANG Min",
        "chen@example.test": "陈新",
        "newbie@example.com": "newbie@example.com",
    }
