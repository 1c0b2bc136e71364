"""An upcoming event of `organization` with a class that needs approval, and one entry in it by
a driver with a profile, an unverified licence and a kart, for the organizer's browser tests."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from events.engine import money
from events.models import Entry, EntryClass, Event, Session
from events.services.registration import register_entry
from tests.events.registration.driver_profiles import give_car, give_profile


def pending_entry(organization: Any, driver: Any) -> Entry:
    starts_at = timezone.now() + timedelta(days=30)
    event = Event.objects.create(
        organization=organization,
        title="Jiading Kart Sprint",
        slug="jiading-kart-sprint",
        tier="karting",
        discipline="karting",
        venue_name="Jiading Kart Track",
        province="shanghai",
        city="Shanghai",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=9),
        status=Event.Status.PUBLISHED,
        registration_opens_at=timezone.now() - timedelta(days=1),
        registration_closes_at=starts_at - timedelta(days=2),
    )
    Session.objects.create(
        event=event,
        kind="race",
        starts_at=starts_at + timedelta(hours=1),
        ends_at=starts_at + timedelta(hours=2),
    )
    entry_class = EntryClass.objects.create(
        event=event, name="Senior", capacity=20, fee=Decimal("600"), approval_required=True
    )
    year = event.local(starts_at).year
    profile = give_profile(
        driver, born=date(1990, 3, 8), valid_from=date(year - 1, 1, 1), valid_to=date(year, 12, 31)
    )
    return register_entry(
        driver=driver,
        entry_class_id=entry_class.pk,
        event_id=event.pk,
        event_sequence=event.sequence,
        shown_fee_minor=money.to_minor_units(entry_class.fee, organization.currency),
        vehicle=give_car(profile),
        language="en",
    )
