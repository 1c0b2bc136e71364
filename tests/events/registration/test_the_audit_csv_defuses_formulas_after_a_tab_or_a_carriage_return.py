"""Excel still runs a formula after a leading tab or carriage return: the audit CSV defuses those
cells as it does ``=``, ``+``, ``-`` and ``@``."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from events.models import AuditLog

pytestmark = [pytest.mark.django_db]


def test_details_and_people_starting_with_a_tab_or_a_carriage_return_come_out_as_text(
    client: Any, event: Any, make_user: Any, staff_member: Any
) -> None:
    actor = make_user("=1+1@evil.example", first_name="\t=1+1")
    AuditLog.objects.create(event=event, action="live_transponder", detail="\t=HYPERLINK(1)")
    AuditLog.objects.create(event=event, action="live_transponder", detail="\r@SUM(1)", actor=actor)
    client.force_login(staff_member)

    response = client.get(
        reverse("events:manage-audit-csv", args=[event.organization.slug, event.slug]),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.content.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    details = sorted(line[6] for line in lines[1:])
    assert details == ["'\t=HYPERLINK(1)", "'\r@SUM(1)"]
    # The name is trimmed on the way out, so its "=" is what gets defused here.
    actors = [line[1] for line in lines[1:] if line[6] == "'\r@SUM(1)"]
    assert actors == ["'=1+1"]
