"""Staff see a driver's private data masked, only through an active entry of their event and
until N days after it; officials of the event reveal it, saying why, and every reveal is
recorded and listed to the driver (racing.queries.privacy, events.queries.privacy)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Entry, Event, EventOfficial
from racing.models import Membership, Organization, PrivacyRecord
from racing.services.privacy import withdraw_consent
from tests.racing.factories import make_profile

pytestmark = pytest.mark.django_db
ID_NUMBER = "11010519491231002X"
MASKED = "1101**********002X"
MEDICAL = "Penicillin allergy"


def enter(event: Event, driver: Any, status: str = Entry.Status.CONFIRMED, place: int = 1) -> Entry:
    return Entry.objects.create(
        event=event,
        entry_class=event.entry_classes.first(),
        driver=driver,
        status=status,
        place_number=place,
        fee_minor=0,
        currency="CNY",
    )


def page(client: Client, organization: Organization, profile: Any) -> str:
    response = client.get(
        reverse("racing:organizer-driver", args=[organization.slug, profile.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    return response.content.decode()


def reveal(client: Client, organization: Organization, profile: Any, reason: str) -> Any:
    url = reverse("racing:organizer-driver-reveal", args=[organization.slug, profile.pk])
    return client.post(url, {"reason": reason}, HTTP_ACCEPT_LANGUAGE="en")


def test_staff_see_the_data_masked_while_the_entry_is_active(
    client: Client, event: Event, driver: Any, staff_member: Any, organization: Organization
) -> None:
    profile = make_profile(driver)
    enter(event, driver)
    client.force_login(staff_member)
    shown = page(client, organization, profile)
    assert MASKED in shown
    assert ID_NUMBER not in shown
    assert MEDICAL not in shown
    # Staff without a duty at the event cannot reveal.
    assert "Reveal full details" not in shown
    assert reveal(client, organization, profile, "just curious").status_code == 403
    assert not PrivacyRecord.objects.exists()


@pytest.mark.parametrize(
    "status", [Entry.Status.CANCELLED, Entry.Status.REJECTED, Entry.Status.EXPIRED]
)
def test_a_cancelled_rejected_or_expired_entry_gives_no_access(
    client: Client,
    event: Event,
    driver: Any,
    staff_member: Any,
    organization: Organization,
    status: str,
) -> None:
    profile = make_profile(driver)
    entry = enter(event, driver)
    EventOfficial.objects.create(event=event, user=staff_member, duty="clerk")
    client.force_login(staff_member)
    assert MASKED in page(client, organization, profile)
    Entry.objects.filter(pk=entry.pk).update(status=status, place_number=None)
    if status == Entry.Status.CANCELLED:
        # Staff may still open the driver (name, licences), without any private detail.
        shown = page(client, organization, profile)
        assert MASKED not in shown and "Private details" not in shown
    assert reveal(client, organization, profile, "scrutineering").status_code in (403, 404)
    assert not PrivacyRecord.objects.exists()


def test_access_ends_the_organizations_number_of_days_after_the_event(
    client: Client,
    make_event: Callable[..., Event],
    make_entry_class: Callable[..., Any],
    driver: Any,
    staff_member: Any,
    organization: Organization,
) -> None:
    Organization.objects.filter(pk=organization.pk).update(private_data_days=5)
    ended = timezone.now() - timedelta(days=4)
    event = make_event(starts_at=ended - timedelta(hours=9))
    make_entry_class(event)
    profile = make_profile(driver)
    enter(event, driver)
    client.force_login(staff_member)
    assert MASKED in page(client, organization, profile)
    Event.objects.filter(pk=event.pk).update(
        starts_at=ended - timedelta(days=2, hours=9), ends_at=ended - timedelta(days=2)
    )
    assert MASKED not in page(client, organization, profile)


def test_staff_who_joined_after_the_entry_see_it_only_for_events_they_work_on(
    client: Client, event: Event, driver: Any, staff_member: Any, organization: Organization
) -> None:
    profile = make_profile(driver)
    entry = enter(event, driver)
    Membership.objects.filter(user=staff_member).update(
        created_at=entry.created_at + timedelta(minutes=1)
    )
    client.force_login(staff_member)
    assert MASKED not in page(client, organization, profile)
    EventOfficial.objects.create(event=event, user=staff_member, duty="medical")
    assert MASKED in page(client, organization, profile)


def test_an_official_reveals_with_a_reason_and_the_driver_sees_the_reveal(
    client: Client, event: Event, driver: Any, staff_member: Any, organization: Organization
) -> None:
    profile = make_profile(driver)
    enter(event, driver)
    EventOfficial.objects.create(event=event, user=staff_member, duty="scrutineer")
    client.force_login(staff_member)
    assert "Reveal full details" in page(client, organization, profile)

    refused = reveal(client, organization, profile, "")
    assert refused.status_code == 400
    assert ID_NUMBER not in refused.content.decode()
    assert not PrivacyRecord.objects.exists()

    response = reveal(client, organization, profile, "scrutineering, car 12")
    assert response.status_code == 200
    shown = response.content.decode()
    # A scrutineer needs the identity, not the medical notes.
    assert ID_NUMBER in shown and MEDICAL not in shown
    assert response["Cache-Control"] == "private, no-store"
    record = PrivacyRecord.objects.get()
    assert (record.kind, record.actor, record.organization, record.reason) == (
        PrivacyRecord.Kind.REVEAL,
        staff_member,
        organization,
        "scrutineering, car 12",
    )
    # The record keeps the fact, not the data.
    assert ID_NUMBER not in f"{record.reason} {record.actor_name}"
    # The next visit is masked again: a reveal is for one page.
    assert ID_NUMBER not in page(client, organization, profile)

    client.force_login(driver)
    mine = client.get(reverse("racing:my-privacy"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "scrutineering, car 12" in mine
    assert organization.name in mine


def test_a_driver_who_withdrew_consent_is_shown_to_no_staff(
    client: Client, event: Event, driver: Any, staff_member: Any, organization: Organization
) -> None:
    profile = make_profile(driver)
    enter(event, driver)
    EventOfficial.objects.create(event=event, user=staff_member, duty="clerk")
    withdraw_consent(profile=profile)
    client.force_login(staff_member)
    assert MASKED not in page(client, organization, profile)
    assert reveal(client, organization, profile, "clerk of the course").status_code == 403


def test_staff_find_an_entry_by_the_drivers_identity_number_without_it_in_clear(
    client: Client,
    event: Event,
    driver: Any,
    make_user: Callable[..., Any],
    staff_member: Any,
    organization: Organization,
) -> None:
    other_driver = make_user("li.wei@example.test")
    make_profile(driver)
    make_profile(other_driver, id_number="110105194912310038", name_latin="LI Wei")
    enter(event, driver)
    enter(event, other_driver, place=2)
    client.force_login(staff_member)
    url = reverse("events:manage-entries", args=[organization.slug, event.slug])

    found = client.get(url, {"q": "11010519491231002x"}, HTTP_ACCEPT_LANGUAGE="en")

    page = found.content.decode()
    assert "ZHANG Min" in page
    assert "LI Wei" not in page
    assert ID_NUMBER not in page
    # Part of a number finds nothing: only the whole number has a hash to match.
    partial = client.get(url, {"q": "1101051949"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ZHANG Min" not in partial


@pytest.mark.parametrize(
    ("duty", "shown", "hidden"),
    [
        ("scrutineer", [ID_NUMBER, "Li Hua", "139 1111 2222"], [MEDICAL]),
        ("medical", [MEDICAL, "Li Hua", "139 1111 2222"], [ID_NUMBER]),
        ("clerk", [ID_NUMBER, MEDICAL, "Li Hua", "139 1111 2222"], []),
    ],
)
def test_each_duty_reveals_what_it_needs(
    client: Client,
    event: Event,
    driver: Any,
    staff_member: Any,
    organization: Organization,
    duty: str,
    shown: list[str],
    hidden: list[str],
) -> None:
    profile = make_profile(driver)
    profile.emergency_contacts.create(name="Li Hua", relationship="wife", phone="+86 139 1111 2222")
    enter(event, driver)
    EventOfficial.objects.create(event=event, user=staff_member, duty=duty)
    client.force_login(staff_member)
    page_text = reveal(client, organization, profile, "on duty at the event").content.decode()
    for value in shown:
        assert value in page_text
    for value in hidden:
        assert value not in page_text
    assert PrivacyRecord.objects.filter(actor=staff_member).count() == 1
