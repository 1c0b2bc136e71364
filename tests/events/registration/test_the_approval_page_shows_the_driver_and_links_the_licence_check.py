"""Staff approving an entry see the driver's licences (issuer, grade, validity, verified?), the
car, the age as a karting class counts it, and a link to the page where licences are verified."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from events.models import Entry
from tests.events.conftest import local
from tests.events.registration.driver_profiles import give_car, give_profile

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def pending(
    make_event: Any, make_session: Any, make_entry_class: Any, make_user: Any, register: Any
) -> Entry:
    # Mid-June of next year: the driver born on 31 December is 14 on the day, 15 in the year.
    year = timezone.localdate().year + 1
    event = make_event(
        starts_at=local(year, 6, 15, 9),
        registration_opens_at=timezone.now() - timedelta(days=1),
        registration_closes_at=local(year, 6, 1, 9),
    )
    make_session(event)
    entry_class = make_entry_class(event, approval_required=True)
    user = make_user("fang@example.test")
    profile = give_profile(
        user,
        born=date(year - 15, 12, 31),
        valid_from=date(year - 1, 1, 1),
        valid_to=date(year, 12, 31),
    )
    car = give_car(profile)
    entry = register(user, entry_class, vehicle=car)
    assert entry.status == Entry.Status.PENDING_APPROVAL
    return entry


def entry_url(entry: Entry) -> str:
    event = entry.event
    return f"/organizer/{event.organization.slug}/events/{event.slug}/entries/{entry.pk}/"


def test_the_approval_page_shows_licences_car_age_and_profile(
    client: Any, staff_member: Any, pending: Entry
) -> None:
    client.force_login(staff_member)

    page = client.get(entry_url(pending), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    year = pending.event.starts_at.year
    assert "WANG Fang" in page
    assert "CAMF" in page and "National C" in page and "K-2041" in page
    assert f"{year - 1}-01-01 – {year}-12-31" in page
    assert "not verified" in page
    assert "Tony Kart Racer 401" in page
    assert f"15 in {year} (by calendar year)" in page
    assert "14 on the event day" in page
    profile_id = pending.driver.driver_profile.pk
    assert f'href="/organizer/{pending.event.organization.slug}/drivers/{profile_id}/"' in page


def test_it_reads_in_chinese_too(client: Any, staff_member: Any, pending: Entry) -> None:
    client.force_login(staff_member)

    page = client.get(entry_url(pending), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    year = pending.event.starts_at.year
    assert f"{year} 年内 15 岁（按自然年计算）" in page
    assert "核查并确认执照" in page
    assert "国家C级" in page


def test_the_entries_list_links_each_driver_to_the_licence_check(
    client: Any, staff_member: Any, pending: Entry
) -> None:
    client.force_login(staff_member)
    event = pending.event

    page = client.get(f"/organizer/{event.organization.slug}/events/{event.slug}/entries/")

    profile_id = pending.driver.driver_profile.pk
    assert f"/organizer/{event.organization.slug}/drivers/{profile_id}/" in page.content.decode()


def test_a_driver_without_a_profile_is_said_to_have_none(
    client: Any, staff_member: Any, event: Any, make_user: Any, register: Any
) -> None:
    entry = register(make_user("bare@example.test"), event.entry_classes.get())
    client.force_login(staff_member)

    page = client.get(entry_url(entry), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "has not filled in a driver profile" in page
