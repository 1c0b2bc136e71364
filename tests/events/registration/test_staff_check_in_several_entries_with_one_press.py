"""The sign-on desk ticks several confirmed entries and checks them all in with one POST; an
entry that cannot be checked in is named, and another event's entry is never touched."""

from __future__ import annotations

from typing import Any

import pytest

from events.models import AuditLog, Entry

pytestmark = [pytest.mark.django_db]


def check_in_url(event: Any) -> str:
    return f"/organizer/{event.organization.slug}/events/{event.slug}/entries/check-in/"


@pytest.fixture
def entries(event: Any, make_user: Any, register: Any, settings: Any) -> list[Entry]:
    settings.STRIPE_SECRET_KEY = ""
    entry_class = event.entry_classes.get()
    return [register(make_user(f"racer{i}@example.test"), entry_class) for i in range(3)]


def test_ticked_entries_are_checked_in_and_audited(
    client: Any, staff_member: Any, entries: list[Entry]
) -> None:
    client.force_login(staff_member)
    first, second, untouched = entries

    response = client.post(
        check_in_url(first.event),
        {"entry": [first.pk, second.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    assert "2 entries checked in." in response.content.decode()
    for entry in entries:
        entry.refresh_from_db()
    assert first.checked_in_at is not None and second.checked_in_at is not None
    assert untouched.checked_in_at is None
    assert AuditLog.objects.filter(action="checked_in", entry__in=[first, second]).count() == 2


def test_the_list_offers_a_tick_box_for_each_entry_waiting_to_check_in(
    client: Any, staff_member: Any, entries: list[Entry]
) -> None:
    client.force_login(staff_member)
    event = entries[0].event

    page = client.get(f"/organizer/{event.organization.slug}/events/{event.slug}/entries/")

    body = page.content.decode()
    assert all(f'name="entry" value="{entry.pk}"' in body for entry in entries)
    assert f'action="{check_in_url(event)}"' in body


def test_a_cancelled_entry_is_named_and_the_others_still_check_in(
    client: Any, staff_member: Any, entries: list[Entry]
) -> None:
    from events.services.registration import cancel_entry

    client.force_login(staff_member)
    first, second, _ = entries
    cancel_entry(entry_id=second.pk, actor=staff_member, by_staff=True)

    response = client.post(
        check_in_url(first.event),
        {"entry": [first.pk, second.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    body = response.content.decode()
    assert "1 entry checked in." in body
    assert "Only a confirmed entry can be checked in" in body
    first.refresh_from_db()
    assert first.checked_in_at is not None


def test_another_events_entry_and_bad_ids_are_ignored(
    client: Any,
    staff_member: Any,
    entries: list[Entry],
    make_event: Any,
    make_session: Any,
    make_entry_class: Any,
    make_user: Any,
    register: Any,
) -> None:
    other_event = make_event()
    make_session(other_event)
    elsewhere = register(make_user("elsewhere@example.test"), make_entry_class(other_event))
    client.force_login(staff_member)

    response = client.post(
        check_in_url(entries[0].event),
        {"entry": [elsewhere.pk, "x", "-1", "9" * 30]},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302
    elsewhere.refresh_from_db()
    assert elsewhere.checked_in_at is None


def test_nothing_ticked_says_so(client: Any, staff_member: Any, entries: list[Entry]) -> None:
    client.force_login(staff_member)

    response = client.post(
        check_in_url(entries[0].event), HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True
    )

    assert "请先勾选要签到的报名。" in response.content.decode()
