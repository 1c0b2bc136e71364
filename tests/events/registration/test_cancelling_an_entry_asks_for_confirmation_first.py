"""Cancelling an entry (by the driver or by staff) and refunding a cancelled event's entries each
lead to a page that says what will happen; nothing changes until that page's form is posted."""

from __future__ import annotations

from typing import Any

import pytest

from events.models import Entry
from events.services.events import cancel_event

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def confirmed(event: Any, driver: Any, register: Any, settings: Any) -> Entry:
    settings.STRIPE_SECRET_KEY = ""
    return register(driver, event.entry_classes.get())


def staff_cancel_url(entry: Entry) -> str:
    event = entry.event
    return f"/organizer/{event.organization.slug}/events/{event.slug}/entries/{entry.pk}/cancel/"


def test_the_driver_is_asked_before_the_entry_is_cancelled(
    client: Any, driver: Any, confirmed: Entry
) -> None:
    client.force_login(driver)
    url = f"/entries/{confirmed.pk}/cancel/"

    detail = client.get(f"/entries/{confirmed.pk}/").content.decode()
    assert f'<form method="get" action="{url}">' in detail

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cancel your entry?" in page
    assert "your place goes to someone else" in page
    assert f'<form method="post" action="{url}"' in page
    confirmed.refresh_from_db()
    assert confirmed.status == Entry.Status.CONFIRMED

    client.post(url, {"confirm": "1"})
    confirmed.refresh_from_db()
    assert confirmed.status == Entry.Status.CANCELLED


def test_staff_are_asked_with_the_refund_and_a_reason_field(
    client: Any, staff_member: Any, confirmed: Entry
) -> None:
    client.force_login(staff_member)
    url = staff_cancel_url(confirmed)

    entry_page = client.get(url.removesuffix("cancel/")).content.decode()
    assert f'href="{url}"' in entry_page

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "取消此报名？" in page
    assert "确定吗？此操作无法撤销。" in page
    assert 'name="reason"' in page
    confirmed.refresh_from_db()
    assert confirmed.status == Entry.Status.CONFIRMED

    client.post(url, {"confirm": "1", "reason": "no licence"})
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.cancellation_reason) == (
        Entry.Status.CANCELLED,
        "no licence",
    )


def test_other_staff_actions_are_not_answered_on_get(
    client: Any, staff_member: Any, confirmed: Entry
) -> None:
    client.force_login(staff_member)

    response = client.get(staff_cancel_url(confirmed).replace("cancel/", "mark-paid/"))

    assert response.status_code == 405


def test_refunding_a_cancelled_events_entries_is_asked_first(
    client: Any, staff_member: Any, confirmed: Entry
) -> None:
    event = confirmed.event
    # The event's entries are refunded after commit, which a test's transaction never reaches:
    # they are still active, as when Stripe was down when the event was cancelled.
    cancel_event(event=event, reason="Typhoon warning")
    client.force_login(staff_member)
    url = f"/organizer/{event.organization.slug}/events/{event.slug}/entries/refund-all/"

    listing = client.get(f"/organizer/{event.organization.slug}/events/{event.slug}/entries/")
    assert f'href="{url}"' in listing.content.decode()

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cancel all entries and refund?" in page
    assert "1 active entry is cancelled." in page
    confirmed.refresh_from_db()
    assert confirmed.status == Entry.Status.CONFIRMED

    client.post(url, {"confirm": "1"})
    confirmed.refresh_from_db()
    assert confirmed.status == Entry.Status.CANCELLED


def test_another_drivers_entry_is_404_on_the_question(
    client: Any, make_user: Any, confirmed: Entry
) -> None:
    client.force_login(make_user("nosy@example.test"))

    assert client.get(f"/entries/{confirmed.pk}/cancel/").status_code == 404
