"""A detail that holds moments ("hold_extended": the hold's old and new end, stored in UTC)
shows them in the event's time zone, like the rest of the audit trail: on the page, in the CSV
and in the entry page's history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse

from events.models import AuditLog, Entry

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def entry(event: Any, make_user: Any) -> Entry:
    event.time_zone = "Asia/Shanghai"  # UTC+8
    event.save(update_fields=["time_zone"])
    entry = Entry.objects.create(
        event=event,
        entry_class=event.entry_classes.get(),
        driver=make_user("racer@example.test"),
        status=Entry.Status.CONFIRMED,
        place_number=1,
        car_number=9,
        fee_minor=0,
        currency="CNY",
    )
    held_until = datetime(2026, 5, 1, 9, 40, 5, 123456, tzinfo=UTC)
    extended_to = datetime(2026, 5, 1, 10, 5, 5, 123456, tzinfo=UTC)
    # As events.services.checkout writes it.
    AuditLog.objects.create(
        event=event,
        entry=entry,
        action="hold_extended",
        detail=f"{held_until.isoformat()} → {extended_to.isoformat()}",
    )
    return entry


LOCAL = "2026-05-01 17:40:05 → 2026-05-01 18:05:05"


@pytest.mark.parametrize(
    "name", ["events:manage-audit", "events:manage-audit-csv", "events:manage-entry"]
)
def test_the_hold_extension_reads_in_shanghai_time(
    client: Any, staff_member: Any, event: Any, entry: Entry, name: str
) -> None:
    args = [event.organization.slug, event.slug]
    if name == "events:manage-entry":
        args.append(entry.pk)
    client.force_login(staff_member)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    text = response.content.decode()
    assert LOCAL in text
    assert "+00:00" not in text
    assert "09:40" not in text
