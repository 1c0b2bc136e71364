"""The CSV export holds the same rows as the filtered page, all of them rather than one page,
with translated headers, starting with a BOM so Excel shows Chinese names."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from events.models import AuditLog

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def entry(event: Any, make_user: Any, register: Any, settings: Any, staff_member: Any) -> Any:
    from events.services.registration import mark_paid_at_track

    settings.STRIPE_SECRET_KEY = ""
    entry = register(
        make_user("zhang@example.test", first_name="敏", last_name="张"),
        event.entry_classes.get(),
        preferred_car_number=12,
    )
    mark_paid_at_track(entry_id=entry.pk, actor=staff_member)
    # A detail that a spreadsheet would run as a formula.
    AuditLog.objects.create(event=event, action="live_transponder", detail="=HYPERLINK(1)")
    return entry


def export(client: Any, event: Any, language: str, **query: Any) -> Any:
    url = reverse("events:manage-audit-csv", args=[event.organization.slug, event.slug])
    return client.get(url, query, HTTP_ACCEPT_LANGUAGE=language)


def test_the_csv_has_every_filtered_row_with_a_bom(
    client: Any, staff_member: Any, entry: Any
) -> None:
    client.force_login(staff_member)

    response = export(client, entry.event, "en", kind="payments")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"{entry.event.slug}-audit.csv" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == ["When", "By", "Entry", "Car number", "What", "Change", "Detail", "Code"]
    body = {line[-1]: line for line in lines[1:]}
    assert set(body) == {"paid_at_track", "payment_due_at_track"}
    paid = body["paid_at_track"]
    assert paid[1] == staff_member.email
    assert paid[2:6] == ["张敏", "12", "Marked paid at the track", "Pending → Paid"]
    assert body["payment_due_at_track"][1] == "system"


def test_headers_and_sentences_are_translated_and_formulas_are_defused(
    client: Any, staff_member: Any, entry: Any
) -> None:
    client.force_login(staff_member)

    text = export(client, entry.event, "zh-hans").content.decode("utf-8-sig")

    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:5] == ["时间", "操作人", "报名", "车号", "事项"]
    assert "已标记为在赛道现场付款" in text
    live = next(line for line in lines if line[-1] == "live_transponder")
    assert live[2] == "赛事"
    assert live[6] == "'=HYPERLINK(1)"


def test_the_export_is_not_cut_at_one_page(client: Any, staff_member: Any, event: Any) -> None:
    AuditLog.objects.bulk_create(
        AuditLog(event=event, action="live_transponder", detail=f"live #1 T{n}: - → {n}")
        for n in range(130)
    )
    client.force_login(staff_member)

    text = export(client, event, "en").content.decode("utf-8-sig")

    assert len(text.strip().splitlines()) == 131
