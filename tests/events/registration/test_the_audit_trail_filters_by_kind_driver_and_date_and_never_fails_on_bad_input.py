"""Staff narrow the audit trail by kind of change, driver or car number, and dates in the event's
time zone; bad filter input is reported on the page (or ignored, for a page number), never a 500."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from events.models import AuditLog

pytestmark = [pytest.mark.django_db]

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def trail(event: Any, make_user: Any, register: Any, settings: Any, staff_member: Any) -> Any:
    """Two at-track entries (张敏 car 12, Wei Li car 34), one paid at the track, one deposit row
    and one live timing row."""
    from events.services.registration import mark_paid_at_track

    settings.STRIPE_SECRET_KEY = ""
    entry_class = event.entry_classes.get()
    zhang = register(
        make_user("zhang@example.test", first_name="敏", last_name="张"),
        entry_class,
        preferred_car_number=12,
    )
    li = register(
        make_user("li@example.test", first_name="Wei", last_name="Li"),
        entry_class,
        preferred_car_number=34,
    )
    mark_paid_at_track(entry_id=li.pk, actor=staff_member)
    AuditLog.objects.create(event=event, entry=zhang, action="deposit_held", actor=staff_member)
    AuditLog.objects.create(event=event, action="live_transponder", detail="live #1 T9: - → 5")
    return event, zhang, li


def actions(client: Any, event: Any, **query: Any) -> list[str]:
    url = reverse("events:manage-audit", args=[event.organization.slug, event.slug])
    response = client.get(url, query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    return [part.split('"')[0] for part in html.split('<tr data-action="')[1:]]


def test_the_kind_of_change_narrows_the_rows(client: Any, staff_member: Any, trail: Any) -> None:
    event, _zhang, _li = trail
    client.force_login(staff_member)

    assert set(actions(client, event, kind="payments")) == {"payment_due_at_track", "paid_at_track"}
    assert actions(client, event, kind="deposits") == ["deposit_held"]
    assert actions(client, event, kind="live") == ["live_transponder"]
    entries = set(actions(client, event, kind="entries"))
    assert entries == {"place_taken", "registered"}
    assert len(actions(client, event)) == len(AuditLog.objects.filter(event=event))


def test_a_driver_is_found_by_name_in_either_order_or_by_car_number(
    client: Any, staff_member: Any, trail: Any
) -> None:
    event, zhang, li = trail
    client.force_login(staff_member)

    def entries_found(q: str) -> set[int]:
        url = reverse("events:manage-audit", args=[event.organization.slug, event.slug])
        html = client.get(url, {"q": q}).content.decode()
        return {pk for pk in (zhang.pk, li.pk) if f"/events/{event.slug}/entries/{pk}/" in html}

    assert entries_found("张敏") == {zhang.pk}
    assert entries_found("wei li") == {li.pk}
    assert entries_found("Li Wei") == {li.pk}
    assert entries_found("34") == {li.pk}
    assert entries_found("#12") == {zhang.pk}
    assert actions(client, event, q="nobody") == []


def test_dates_are_days_of_the_events_time_zone(client: Any, staff_member: Any, event: Any) -> None:
    event.time_zone = "Asia/Shanghai"
    event.save()
    # 1 March 23:30 UTC is 2 March in Shanghai.
    AuditLog.objects.create(
        event=event,
        action="live_transponder",
        created_at=datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC")),
    )
    AuditLog.objects.create(
        event=event,
        action="live_transponder_removed",
        created_at=datetime(2026, 3, 3, 10, 0, tzinfo=SHANGHAI),
    )
    client.force_login(staff_member)

    assert actions(client, event, since="2026-03-02", until="2026-03-02") == ["live_transponder"]
    assert actions(client, event, until="2026-03-01") == []
    assert actions(client, event, since="2026-03-03") == ["live_transponder_removed"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "2026-13-45"}, "Enter a valid date."),
        ({"until": "yesterday"}, "Enter a valid date."),
        ({"since": "2026-03-05", "until": "2026-03-01"}, "The start date is after the end date."),
        ({"kind": "everything"}, "Select a valid choice."),
        ({"q": "x" * 500}, "Ensure this value has at most 100 characters"),
    ],
)
def test_bad_filters_are_explained_and_the_other_filters_still_apply(
    client: Any, staff_member: Any, trail: Any, query: dict[str, str], message: str
) -> None:
    event, _zhang, _li = trail
    client.force_login(staff_member)
    url = reverse("events:manage-audit", args=[event.organization.slug, event.slug])

    response = client.get(url, query, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert message in response.content.decode()
    csv = reverse("events:manage-audit-csv", args=[event.organization.slug, event.slug])
    exported = client.get(csv, query)
    # No export of rows other than the ones asked for: back to the page that says why.
    assert exported.status_code == 302
    assert exported["Location"].startswith(url)


def test_the_bad_filters_are_explained_in_chinese(
    client: Any, staff_member: Any, trail: Any
) -> None:
    event, _zhang, _li = trail
    client.force_login(staff_member)
    url = reverse("events:manage-audit", args=[event.organization.slug, event.slug])

    html = client.get(
        url, {"since": "2026-03-05", "until": "2026-03-01"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert "起始日期晚于截止日期。" in html


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999999999999999999", "2.5", ""])
def test_any_page_number_shows_a_page(
    client: Any, staff_member: Any, trail: Any, page: str
) -> None:
    event, _zhang, _li = trail
    client.force_login(staff_member)

    assert len(actions(client, event, page=page)) == AuditLog.objects.filter(event=event).count()


def test_fifty_rows_a_page_newest_first(client: Any, staff_member: Any, event: Any) -> None:
    for n in range(120):
        AuditLog.objects.create(
            event=event,
            action="live_transponder",
            detail=f"live #1 T{n}: - → {n}",
            created_at=datetime(2026, 3, 1, 8, 0, n % 60, tzinfo=SHANGHAI).replace(minute=n // 60),
        )
    client.force_login(staff_member)
    url = reverse("events:manage-audit", args=[event.organization.slug, event.slug])

    first = client.get(url, {"kind": "live"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    last = client.get(url, {"kind": "live", "page": 3}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert first.count('<tr data-action="') == 50
    assert "transponder 119:" in first and "transponder 69:" not in first
    assert "Page 1 of 3" in first
    assert "?kind=live&amp;page=2" in first
    assert last.count('<tr data-action="') == 20
    assert "transponder 0:" in last
