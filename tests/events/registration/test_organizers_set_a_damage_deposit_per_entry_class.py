"""Fees are set per entry class, and so is the damage deposit (0 for none); drivers see it on
the event page before they enter, and a duplicated event keeps it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db]


def test_an_organizer_sets_a_deposit_and_drivers_see_it_before_entering(
    client: Any, staff_member: Any, event: Any, make_competition_class: Any
) -> None:
    client.force_login(staff_member)
    kwargs = {"org_slug": event.organization.slug, "slug": event.slug}

    response = client.post(
        reverse("events:class-create", kwargs=kwargs),
        {
            "competition_class": make_competition_class(event.organization, "Arrive and drive").pk,
            "name": "Rental karts",
            "capacity": "20",
            "fee": "300",
            "damage_deposit": "1500.00",
            "position": "1",
        },
    )

    assert response.status_code == 302
    karts = event.entry_classes.get(name="Rental karts")
    assert karts.damage_deposit == Decimal("1500.00")
    page = client.get(f"/events/{event.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Damage deposit 1500.00 CNY, taken at check-in" in page


def test_a_class_saved_without_a_deposit_takes_none(
    client: Any, staff_member: Any, event: Any, make_competition_class: Any
) -> None:
    client.force_login(staff_member)
    kwargs = {"org_slug": event.organization.slug, "slug": event.slug}

    client.post(
        reverse("events:class-create", kwargs=kwargs),
        {
            "competition_class": make_competition_class(event.organization).pk,
            "name": "Sprint",
            "capacity": "20",
            "fee": "300",
            "damage_deposit": "",
            "position": "1",
        },
    )

    assert event.entry_classes.get(name="Sprint").damage_deposit == 0


def test_a_duplicated_event_keeps_the_deposit(event: Any) -> None:
    from datetime import timedelta

    from events.services.events import duplicate_event

    entry_class = event.entry_classes.get()
    entry_class.damage_deposit = Decimal("900.00")
    entry_class.save()

    copy = duplicate_event(
        event=event, title="Next year", starts_at=event.starts_at + timedelta(weeks=52)
    )

    assert copy.entry_classes.get().damage_deposit == Decimal("900.00")
