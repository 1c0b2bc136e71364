"""The staff's entries CSV has the sign-on sheet's columns: real name, date of birth, the licence
valid on the event day and the emergency contact (masked, as staff see private data), for this
event's entries only."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest

from tests.events.registration.driver_profiles import give_profile

pytestmark = [pytest.mark.django_db]


def rows(client: Any, event: Any, language: str = "en") -> list[dict[str, str]]:
    response = client.get(
        f"/organizer/{event.organization.slug}/events/{event.slug}/entries.csv",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def enter_fang(event: Any, make_user: Any, register: Any) -> Any:
    """A driver with a full profile and a licence valid on the event day, entered."""
    day = event.local(event.starts_at).date()
    user = make_user("fang@example.test")
    give_profile(
        user,
        born=date(1990, 3, 8),
        valid_from=date(day.year - 1, 1, 1),
        valid_to=date(day.year + 1, 12, 31),
    )
    register(user, event.entry_classes.get())
    return user


def test_sign_on_columns_come_from_the_drivers_profile(
    client: Any, event: Any, make_user: Any, register: Any, settings: Any, staff_member: Any
) -> None:
    settings.STRIPE_SECRET_KEY = ""
    enter_fang(event, make_user, register)
    register(make_user("bare@example.test"), event.entry_classes.get())
    client.force_login(staff_member)

    by_email = {row["E-mail"]: row for row in rows(client, event)}

    fang = by_email["fang@example.test"]
    assert fang["Real name"] == "王芳 WANG Fang"
    assert fang["Date of birth"] == "1990-03-08"
    assert fang["Licence number"] == "CAMF K-2041"
    assert fang["Emergency contact"] == "****** (father) *** 2222"
    bare = by_email["bare@example.test"]
    assert [bare[c] for c in ("Real name", "Date of birth", "Licence number")] == ["", "", ""]


def test_a_licence_expired_before_the_event_is_not_listed(
    client: Any, event: Any, make_user: Any, register: Any, settings: Any, staff_member: Any
) -> None:
    settings.STRIPE_SECRET_KEY = ""
    day = event.local(event.starts_at).date()
    user = make_user("fang@example.test")
    give_profile(
        user,
        born=date(1990, 3, 8),
        valid_from=date(day.year - 3, 1, 1),
        valid_to=date(day.year - 2, 12, 31),
    )
    register(user, event.entry_classes.get())
    client.force_login(staff_member)

    (row,) = rows(client, event)

    assert row["Licence number"] == ""


def test_the_headers_are_chinese_for_chinese_staff(
    client: Any, event: Any, make_user: Any, register: Any, settings: Any, staff_member: Any
) -> None:
    settings.STRIPE_SECRET_KEY = ""
    register(make_user("li@example.test"), event.entry_classes.get())
    client.force_login(staff_member)

    (row,) = rows(client, event, "zh-hans")

    assert {"真实姓名", "出生日期", "执照号码", "紧急联系人"} <= set(row)


def test_other_organizations_staff_get_no_csv(
    client: Any, event: Any, outsider: Any, other_organization: Any
) -> None:
    client.force_login(outsider)

    response = client.get(f"/organizer/{event.organization.slug}/events/{event.slug}/entries.csv")

    assert response.status_code == 404


def test_a_cancelled_entry_carries_no_emergency_contact(
    client: Any, event: Any, make_user: Any, register: Any, settings: Any, staff_member: Any
) -> None:
    from events.models import Entry

    settings.STRIPE_SECRET_KEY = ""
    user = enter_fang(event, make_user, register)
    client.force_login(staff_member)
    assert rows(client, event)[0]["Emergency contact"].endswith("2222")

    Entry.objects.filter(driver=user).update(status=Entry.Status.CANCELLED, place_number=None)

    (row,) = rows(client, event)
    assert row["Emergency contact"] == ""
