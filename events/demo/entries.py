"""Demo entries for the demo driver: `seed_demo` calls this after the demo events exist."""

from __future__ import annotations

import contextlib
from typing import TextIO

from django.contrib.auth import get_user_model
from django.utils import timezone

from events.engine import money
from events.exceptions import EventsError
from events.models import Entry, Event
from events.services.registration import mark_paid_at_track, register_entry
from racing.demo.registry import DRIVER_EMAIL, ORGANIZER_EMAIL
from racing.models import Vehicle

# Left for the demo driver to enter by hand: the README offers its adult class as the way to try
# entering an event.
LEFT_TO_ENTER = "demo-pearl-river-kart-sprint"


def seed(stdout: TextIO) -> None:
    User = get_user_model()
    driver = User.objects.filter(email__iexact=DRIVER_EMAIL).first()
    organizer = User.objects.filter(email__iexact=ORGANIZER_EMAIL).first()
    if driver is None:
        return
    # racing's demo gives the demo driver a profile, a licence and a garage.
    garage = list(Vehicle.objects.filter(owner__user=driver))
    now = timezone.now()
    open_events = [
        event
        for event in Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__gt=now)
        .exclude(slug=LEFT_TO_ENTER)
        .select_related("organization")
        .prefetch_related("entry_classes")
        .order_by("starts_at")
        if event.is_registration_open(now)
    ]
    made = 0
    for event in open_events:
        if made >= 2:
            break
        if Entry.objects.filter(event=event, driver=driver).exists():
            made += 1  # already seeded on an earlier run
            continue
        attempts = [(c, v) for c in event.entry_classes.all() for v in (*garage, None)]
        for entry_class, car in attempts:
            try:
                entry = register_entry(
                    driver=driver,
                    entry_class_id=entry_class.pk,
                    event_id=event.pk,
                    event_sequence=None,
                    shown_fee_minor=money.to_minor_units(
                        entry_class.fee_at(now), event.organization.currency
                    ),
                    join_waitlist=True,
                    vehicle=car,
                    language="zh-hans",
                )
            except EventsError:
                continue  # not eligible (licence, vehicle): try without the car, then the next class
            if made == 0 and organizer is not None and entry.status == Entry.Status.CONFIRMED:
                # A free class has nothing to pay.
                with contextlib.suppress(EventsError):
                    mark_paid_at_track(entry_id=entry.pk, actor=organizer)
            made += 1
            break
    stdout.write(f"Demo entries for {DRIVER_EMAIL}: {made}.\n")
