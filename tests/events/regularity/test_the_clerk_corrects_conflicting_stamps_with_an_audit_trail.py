"""The clerk's page: conflicts (two stamps at a control, a car stamped out of order), corrections
that void and replace with a reason in the audit trail, and the stamps CSV import."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import AuditLog, Control, Route, Stamp
from events.queries.regularity import conflicts


def stamps_url(route: Route) -> str:
    event = route.session.event
    return reverse(
        "events:stamps-manage",
        kwargs={
            "org_slug": event.organization.slug,
            "slug": event.slug,
            "session_id": route.session_id,
        },
    )


def stamp(control: Control, number: int, minutes: float) -> Stamp:
    at = control.route.standard_start + timedelta(minutes=minutes)
    return Stamp.objects.create(control=control, car_number=number, at=at, source="tap")


def test_doubles_and_out_of_order_stamps_are_conflicts(
    rally: Route, control: Callable[[str], Control]
) -> None:
    stamp(control("S"), 1, 1)
    stamp(control("SC1"), 1, 16)
    stamp(control("SC1"), 1, 16.5)
    stamp(control("S"), 2, 2)
    stamp(control("SC1"), 2, 1)  # before its start
    found = {(c.kind, c.car_number, c.control.code) for c in conflicts(rally)}
    assert found == {("double", 1, "SC1"), ("order", 2, "SC1")}


def test_an_official_corrects_a_stamp_and_the_audit_trail_says_why(
    client: Client, rally: Route, organizer: Any, control: Callable[[str], Control], english: None
) -> None:
    wrong = stamp(control("TC1"), 3, 30)
    stamp(control("TC1"), 3, 31)
    client.force_login(organizer)
    page = client.get(stamps_url(rally)).content.decode()
    assert 'data-conflict="double"' in page
    with timezone.override(rally.session.event.time_zone):
        clock = timezone.localtime(
            rally.standard_start + timedelta(minutes=30, seconds=5)
        ).strftime("%H:%M:%S")
    response = client.post(
        stamps_url(rally),
        {"action": "void", "stamp": wrong.pk, f"s{wrong.pk}-reason": "Typed twice"},
    )
    assert response.status_code == 302
    wrong.refresh_from_db()
    assert wrong.is_void and wrong.void_reason == "Typed twice"
    assert "data-no-conflicts" in client.get(stamps_url(rally)).content.decode()
    kept = Stamp.objects.get(control=control("TC1"), voided_at__isnull=True)
    client.post(
        stamps_url(rally),
        {
            "action": "correct",
            "stamp": kept.pk,
            f"s{kept.pk}-car_number": "3",
            f"s{kept.pk}-at": clock,
            f"s{kept.pk}-reason": "Marshal's paper sheet",
        },
    )
    active = Stamp.objects.get(control=control("TC1"), voided_at__isnull=True)
    assert active.source == Stamp.Source.OFFICIAL
    assert active.at == rally.standard_start + timedelta(minutes=30, seconds=5)
    assert Stamp.objects.filter(control=control("TC1")).count() == 3  # nothing deleted
    actions = list(
        AuditLog.objects.filter(event=rally.session.event).values_list("action", "detail", "actor")
    )
    assert [a for a, _, _ in actions] == ["stamp_voided", "stamp_voided", "stamp_added"]
    assert all(actor == organizer.pk for _, _, actor in actions)
    assert "Marshal's paper sheet" in actions[-1][1]
    audit = client.get(
        reverse(
            "events:manage-audit",
            kwargs={
                "org_slug": rally.session.event.organization.slug,
                "slug": rally.session.event.slug,
            },
        )
    )
    assert "Stamp voided by an official" in audit.content.decode()


def test_a_correction_without_a_reason_is_refused(
    client: Client, rally: Route, organizer: Any, control: Callable[[str], Control]
) -> None:
    one = stamp(control("TC1"), 1, 30)
    client.force_login(organizer)
    response = client.post(
        stamps_url(rally), {"action": "void", "stamp": one.pk, f"s{one.pk}-reason": " "}
    )
    assert response.status_code == 200
    one.refresh_from_db()
    assert not one.is_void
    assert client.post(stamps_url(rally), {"action": "void", "stamp": "x"}).status_code == 404


def test_stamps_come_in_from_a_csv_and_a_bad_line_refuses_the_file(
    client: Client, rally: Route, organizer: Any, english: None
) -> None:
    client.force_login(organizer)
    with timezone.override(rally.session.event.time_zone):
        clock = timezone.localtime(rally.standard_start + timedelta(minutes=21)).strftime(
            "%H:%M:%S"
        )
    bad = SimpleUploadedFile(
        "stamps.csv", f"number,control,time\n1,TC1,{clock}\n2,TC9,{clock}\n".encode()
    )
    response = client.post(stamps_url(rally), {"action": "import", "file": bad})
    assert "Line 3" in response.content.decode()
    assert not Stamp.objects.exists()
    good = SimpleUploadedFile(
        "stamps.csv", f"number,control,time\n1,TC1,{clock}\n2,tc1,{clock}.4\n".encode()
    )
    assert client.post(stamps_url(rally), {"action": "import", "file": good}).status_code == 302
    assert Stamp.objects.filter(source=Stamp.Source.IMPORT).count() == 2
    assert AuditLog.objects.filter(action="stamps_imported").exists()
