"""The event's audit trail shows rows written by real actions (entering, paying at the track,
paying through Stripe, cancelling and refunding, live timing mappings) as translated sentences,
newest first, with who did it: a person, Stripe, or Paddock itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from events.models import AuditLog, Entry

pytestmark = [pytest.mark.django_db]


def audit_url(event: Any, **query: Any) -> str:
    return reverse("events:manage-audit", args=[event.organization.slug, event.slug])


def action_url(entry: Entry, action: str) -> str:
    event = entry.event
    return reverse(
        "events:manage-entry-action", args=[event.organization.slug, event.slug, entry.pk, action]
    )


@pytest.fixture
def at_track(event: Any, make_user: Any, register: Any, settings: Any) -> Entry:
    """A confirmed entry of 张敏 (car 12) to pay at the track (no Stripe keys)."""
    settings.STRIPE_SECRET_KEY = ""
    who = make_user("zhang@example.test", first_name="敏", last_name="张")
    return register(who, event.entry_classes.get(), preferred_car_number=12)


def rows_of(html: str) -> list[str]:
    return [part.split("</tr>")[0] for part in html.split('<tr data-action="')[1:]]


def test_entering_paying_at_the_track_and_a_staff_cancellation_read_as_sentences(
    client: Any,
    staff_member: Any,
    at_track: Entry,
    django_capture_on_commit_callbacks: Any,
) -> None:
    staff_member.first_name, staff_member.last_name = "Lei", "Staff"
    staff_member.save()
    client.force_login(staff_member)
    assert client.post(action_url(at_track, "mark-paid")).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(at_track, "cancel"), {"reason": "no licence"})
    assert response.status_code == 302

    page = client.get(audit_url(at_track.event), HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    rows = rows_of(page.content.decode())
    actions = [row.split('"')[0] for row in rows]
    # Newest first: the refund made last, the entry made first.
    assert actions[0] == "refund_to_pay_in_person"
    assert actions[-1] == "place_taken"
    assert set(actions) >= {
        "place_taken",
        "registered",
        "payment_due_at_track",
        "paid_at_track",
        "cancelled_by_staff",
        "refund_requested",
        "refund_to_pay_in_person",
    }
    by_action = {row.split('"')[0]: row for row in rows}
    paid = by_action["paid_at_track"]
    assert "Marked paid at the track" in paid
    assert "Lei Staff" in paid
    assert "Pending → Paid" in paid
    cancelled = by_action["cancelled_by_staff"]
    assert "Entry cancelled by the organizer" in cancelled
    assert "no licence" in cancelled and "Confirmed → Cancelled" in cancelled
    # The entry's driver and car number, linking to the staff entry page.
    entry_page = reverse(
        "events:manage-entry",
        args=[at_track.event.organization.slug, at_track.event.slug, at_track.pk],
    )
    assert f'href="{entry_page}">张敏</a>' in by_action["place_taken"]
    # The driver entered; Paddock itself asked for the payment at the track.
    assert "张敏" in by_action["place_taken"].split("<td>")[2]
    assert "system" in by_action["payment_due_at_track"].split("<td>")[2]
    # Amounts in minor units are shown in the currency's units.
    assert "800.00 CNY" in by_action["refund_to_pay_in_person"]


def test_the_sentences_are_in_chinese_by_default(
    client: Any, staff_member: Any, at_track: Entry
) -> None:
    client.force_login(staff_member)
    client.post(action_url(at_track, "mark-paid"))

    html = client.get(audit_url(at_track.event), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "已标记为在赛道现场付款" in html
    assert "张敏 #12</a>" in html  # the car number while the entry has one
    assert "审计记录" in html
    assert "Marked paid at the track" not in html


def test_a_card_payment_confirmed_by_the_webhook_is_by_stripe(
    client: Any, staff_member: Any, paid_entry: Any
) -> None:
    entry, _payment = paid_entry()
    client.force_login(staff_member)

    rows = rows_of(client.get(audit_url(entry.event), HTTP_ACCEPT_LANGUAGE="en").content.decode())

    by_action = {row.split('"')[0]: row for row in rows}
    assert "Online payment received" in by_action["payment_succeeded"]
    assert "<td>Stripe</td>" in by_action["payment_succeeded"]
    assert "<td>Stripe</td>" in by_action["confirmed"]
    assert "Entry confirmed" in by_action["confirmed"]
    assert "Online payment started" in by_action["payment_started"]


def test_live_timing_mappings_are_rows_of_the_event_and_unknown_codes_show_as_they_are(
    client: Any, staff_member: Any, event: Any
) -> None:
    from live.services.timing import create_live_session, map_transponder

    live = create_live_session(name="Race 1", event_session=event.sessions.get())
    map_transponder(
        session_id=live.pk, transponder=4411, number="88", name="Guest", actor=staff_member
    )
    AuditLog.objects.create(event=event, action="some_future_code", detail="x")
    client.force_login(staff_member)

    rows = rows_of(client.get(audit_url(event), HTTP_ACCEPT_LANGUAGE="en").content.decode())

    by_action = {row.split('"')[0]: row for row in rows}
    live_row = by_action["live_transponder"]
    assert "Live timing: transponder mapping set" in live_row
    assert f"Live session {live.pk}, transponder 4411: - → 88 / Guest / -" in live_row
    assert '<span class="muted">event</span>' in live_row
    assert staff_member.email in live_row
    assert "<td>some_future_code</td>" in by_action["some_future_code"]


def test_times_are_shown_in_the_events_own_time_zone(
    client: Any, staff_member: Any, event: Any
) -> None:
    event.time_zone = "Asia/Shanghai"
    event.save()
    AuditLog.objects.create(
        event=event,
        action="live_transponder",
        created_at=datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC")),
    )
    client.force_login(staff_member)

    html = client.get(audit_url(event), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "2026-03-02 07:30:00" in html


def test_the_entry_pages_history_uses_the_same_sentences_and_links_to_the_trail(
    client: Any, staff_member: Any, at_track: Entry
) -> None:
    client.force_login(staff_member)
    client.post(action_url(at_track, "mark-paid"))
    event = at_track.event
    url = reverse("events:manage-entry", args=[event.organization.slug, event.slug, at_track.pk])

    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<td>Marked paid at the track</td><td>Pending → Paid</td>" in html
    assert "<td>paid_at_track</td>" not in html
    assert f"{audit_url(event)}?q=zhang%40example.test" in html
