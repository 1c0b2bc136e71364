"""The demo's arrive-and-drive kart night takes a damage deposit: the demo driver's is held at the
track, another driver's was kept in part for damage with a note, both made through the services
(with their audit rows), and running seed_demo again adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from events.demo.deposits import CLASS_NAME, DAMAGE_NOTE, EVENT_SLUG, OTHER_DRIVER_EMAIL
from events.models import AuditLog, Deposit, Entry, EntryClass
from racing.demo.registry import DRIVER_EMAIL, ORGANIZER_EMAIL

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def counts() -> tuple[int, int, int]:
    return Entry.objects.count(), Deposit.objects.count(), AuditLog.objects.count()


def test_the_kart_nights_rental_class_holds_one_deposit_and_kept_part_of_another() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=StringIO())
    before = counts()
    call_command("seed_demo", stdout=out)
    assert counts() == before

    rental = EntryClass.objects.get(event__slug=EVENT_SLUG, name=CLASS_NAME)
    assert rental.damage_deposit > 0
    held = Deposit.objects.get(entry__event__slug=EVENT_SLUG, entry__driver__email=DRIVER_EMAIL)
    assert (held.status, held.method) == (Deposit.Status.HELD, Deposit.Method.AT_TRACK)
    assert held.entry.status == Entry.Status.CONFIRMED
    assert held.entry.entry_class == rental
    kept = Deposit.objects.get(
        entry__event__slug=EVENT_SLUG, entry__driver__email=OTHER_DRIVER_EMAIL
    )
    assert kept.status == Deposit.Status.CAPTURED
    assert 0 < kept.captured_minor < kept.amount_minor
    assert kept.note == DAMAGE_NOTE
    assert kept.settled_by.email == ORGANIZER_EMAIL
    actions = set(
        AuditLog.objects.filter(entry__event__slug=EVENT_SLUG).values_list("action", flat=True)
    )
    assert {"deposit_held", "deposit_captured"} <= actions
    assert "Demo deposits" in out.getvalue()


def test_staff_and_the_driver_see_the_deposits_on_their_pages(client: Client) -> None:
    call_command("seed_demo", stdout=StringIO())
    User = get_user_model()
    held = Deposit.objects.get(entry__event__slug=EVENT_SLUG, entry__driver__email=DRIVER_EMAIL)

    client.force_login(User.objects.get(email=DRIVER_EMAIL))
    page = client.get(reverse("events:entry-detail", args=[held.entry_id]), **EN).text
    assert "Held at the track" in page or "Held" in page
    assert "500" in page

    client.force_login(User.objects.get(email=ORGANIZER_EMAIL))
    entries = held.entry.event
    page = client.get(
        reverse("events:manage-entries", args=[entries.organization.slug, entries.slug]), **EN
    ).text
    assert "Kept for damage" in page
