"""A separate, versioned consent to process sensitive data is recorded where the data is given;
without it (or, for a rider under 14, without their guardian's) an entry is refused with the
reason; withdrawing it stops use and schedules deletion."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from events.exceptions import RegistrationError
from events.models import Entry, Event
from events.services.registration import register_entry
from racing.models import DriverProfile, PrivacyRecord, SensitiveDataConsent
from racing.models.privacy import CONSENT_VERSION
from tests.racing.factories import make_profile
from tests.racing.test_driver_profile_pages import profile_data

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def enter(driver: Any, event: Event) -> Entry:
    entry_class = event.entry_classes.get()
    with translation.override("en"):
        return register_entry(
            driver=driver,
            entry_class_id=entry_class.pk,
            event_id=event.pk,
            event_sequence=None,
            shown_fee_minor=None,
            language="en",
        )


def years_ago(years: int) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def test_the_profile_form_records_the_consent_with_its_version(client: Client, driver: Any) -> None:
    client.force_login(driver)
    refused = client.post(reverse("racing:profile-edit"), profile_data(sensitive_consent=""), **EN)
    assert refused.status_code == 400
    assert "events cannot accept your entry" in refused.content.decode()
    assert not DriverProfile.objects.exists()

    assert client.post(reverse("racing:profile-edit"), profile_data()).status_code == 302
    consent = SensitiveDataConsent.objects.get()
    assert consent.version == CONSENT_VERSION
    assert consent.given_at is not None and not consent.given_by_guardian
    # Saving again does not pile up consents.
    client.post(reverse("racing:profile-edit"), profile_data())
    assert SensitiveDataConsent.objects.count() == 1


def test_an_entry_without_consent_is_refused_with_the_reason(driver: Any, event: Event) -> None:
    make_profile(driver, consent=False)
    with pytest.raises(RegistrationError, match="consent"):
        enter(driver, event)
    assert not Entry.objects.exists()


def test_a_rider_under_14_needs_the_guardian_s_consent(driver: Any, event: Event) -> None:
    profile = make_profile(
        driver,
        consent=False,
        date_of_birth=years_ago(12),
        guardian_name="Zhang Wei",
        guardian_relationship="father",
        guardian_phone="+86 139 0000 0000",
        guardian_id_number="110105198001010016",
        guardian_consent=True,
    )
    # A consent ticked by the child alone is not the guardian's.
    SensitiveDataConsent.objects.create(profile=profile, version=CONSENT_VERSION)
    with pytest.raises(RegistrationError, match="under 14 needs their guardian"):
        enter(driver, event)
    assert not Entry.objects.exists()


def test_a_guardian_gives_consent_for_a_rider_under_14_and_is_recorded(
    client: Client, driver: Any, event: Event
) -> None:
    client.force_login(driver)
    child = profile_data(
        date_of_birth=years_ago(12).isoformat(),
        road_licence_since="",
        guardian_name="张伟",
        guardian_relationship="父亲",
        guardian_phone="+86 137 0000 0000",
        guardian_consent="on",
    )
    missing_id = client.post(reverse("racing:profile-edit"), child, **EN)
    assert missing_id.status_code == 400
    assert "Required for riders under 14" in missing_id.content.decode()

    child["guardian_id_number"] = "110105198001010016"
    assert client.post(reverse("racing:profile-edit"), child).status_code == 302
    consent = SensitiveDataConsent.objects.get()
    assert consent.given_by_guardian
    assert (consent.guardian_name, consent.guardian_id_number) == ("张伟", "110105198001010016")
    assert enter(driver, event).status in (Entry.Status.HELD, Entry.Status.CONFIRMED)


def test_withdrawing_stops_entries_and_the_purge_deletes_the_sensitive_data(
    client: Client, driver: Any, event: Event
) -> None:
    profile = make_profile(driver)
    profile.emergency_contacts.create(name="Li Hua", relationship="wife", phone="139")
    client.force_login(driver)
    response = client.post(reverse("racing:consent-withdraw"), **EN)
    assert response.status_code == 302
    assert SensitiveDataConsent.objects.get().withdrawn_at is not None
    with pytest.raises(RegistrationError, match="withdrawn"):
        enter(driver, event)

    call_command("purge_personal_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    profile.refresh_from_db()
    assert (profile.id_number, profile.medical_notes, profile.blood_type) == ("", "", "")
    assert not profile.emergency_contacts.exists()
    kinds = set(PrivacyRecord.objects.values_list("kind", flat=True))
    assert kinds == {PrivacyRecord.Kind.WITHDRAWAL, PrivacyRecord.Kind.PURGE}
    # The driver's page says so.
    page = client.get(reverse("racing:my-privacy"), **EN).content.decode()
    assert "Consent withdrawn" in page and "Deleted after the retention period" in page
