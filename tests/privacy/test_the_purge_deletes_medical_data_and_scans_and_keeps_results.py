"""Medical data and licence scans are deleted N days after the last event they served; results
and entries stay, and a record keeps the fact, not the data."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Entry, Event, ResultRow, SessionResult
from racing.models import Licence, Organization, PrivacyRecord
from tests.racing.factories import make_licence, make_profile

pytestmark = pytest.mark.django_db


def past_event(
    make_event: Callable[..., Event], make_entry_class: Callable[..., Any], days: int
) -> Event:
    ended = timezone.now() - timedelta(days=days)
    event = make_event(starts_at=ended - timedelta(hours=9), status=Event.Status.COMPLETED)
    make_entry_class(event)
    return event


def enter(event: Event, driver: Any) -> Entry:
    return Entry.objects.create(
        event=event,
        entry_class=event.entry_classes.first(),
        driver=driver,
        status=Entry.Status.CONFIRMED,
        place_number=1,
        fee_minor=0,
        currency="CNY",
    )


def purge() -> str:
    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    return out.getvalue()


def test_the_purge_removes_medical_data_and_scans_after_the_period_and_keeps_results(
    make_event: Callable[..., Event],
    make_session: Callable[..., Any],
    make_entry_class: Callable[..., Any],
    driver: Any,
    organization: Organization,
    django_capture_on_commit_callbacks: Any,
) -> None:
    Organization.objects.filter(pk=organization.pk).update(private_data_days=10)
    event = past_event(make_event, make_entry_class, days=9)
    profile = make_profile(driver)
    licence = make_licence(profile)
    licence.document.save("scan.pdf", ContentFile(b"%PDF-1.4 scan"))
    scan_path = Path(licence.document.path)
    enter(event, driver)
    race = make_session(event, name="Final")
    result = SessionResult.objects.create(session=race, updated_at=timezone.now())
    ResultRow.objects.create(
        result=result, position=1, order=1, car_number="7", driver=driver, driver_name="ZHANG Min"
    )

    assert purge().startswith("0 profiles")
    profile.refresh_from_db()
    assert profile.medical_notes == "Penicillin allergy"

    Event.objects.filter(pk=event.pk).update(
        starts_at=event.starts_at - timedelta(days=2), ends_at=event.ends_at - timedelta(days=2)
    )
    # Files go once the deletion is committed.
    with django_capture_on_commit_callbacks(execute=True):
        assert purge().startswith("1 profiles")
    profile.refresh_from_db()
    assert (profile.medical_notes, profile.blood_type) == ("", "")
    # The identity stays: consent was not withdrawn, and the profile still enters events.
    assert profile.id_number == "11010519491231002X"
    assert not Licence.objects.get(pk=licence.pk).document
    assert not scan_path.exists()
    assert ResultRow.objects.get().driver == driver
    assert Entry.objects.filter(driver=driver).exists()
    record = PrivacyRecord.objects.get(kind=PrivacyRecord.Kind.PURGE)
    assert "Penicillin" not in record.reason
    # Running again finds nothing left to delete.
    assert purge().startswith("0 profiles")


def test_a_later_event_keeps_the_data_until_it_too_is_past(
    make_event: Callable[..., Event],
    make_entry_class: Callable[..., Any],
    driver: Any,
    organization: Organization,
) -> None:
    profile = make_profile(driver)
    enter(past_event(make_event, make_entry_class, days=400), driver)
    enter(past_event(make_event, make_entry_class, days=-20), driver)
    purge()
    profile.refresh_from_db()
    assert profile.medical_notes == "Penicillin allergy"


def test_staff_see_the_schedule(
    client: Client,
    make_event: Callable[..., Event],
    make_entry_class: Callable[..., Any],
    driver: Any,
    staff_member: Any,
    organization: Organization,
) -> None:
    event = past_event(make_event, make_entry_class, days=3)
    make_profile(driver)
    enter(event, driver)
    client.force_login(staff_member)
    response = client.get(
        reverse("events:retention-schedule", args=[organization.slug]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert event.title in page
    assert "until 30 days after the event" in page
