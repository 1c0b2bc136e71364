"""Timed-runs fixtures: an NEV gymkhana last week with a timed-runs session and three entries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from events.models import Entry, EntryClass, Event, Session, SessionFormat


def runs_csv(*lines: str, header: str = "number,run,time,cones,gates,status") -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


@pytest.fixture
def gymkhana(make_event: Callable[..., Event]) -> Event:
    starts_at = timezone.now() - timedelta(days=7)
    return make_event(
        title="NEV Gymkhana",
        slug="nev-gymkhana",
        tier="nev",
        discipline="autocross",
        starts_at=starts_at,
        registration_opens_at=starts_at - timedelta(days=30),
        registration_closes_at=starts_at - timedelta(days=2),
    )


@pytest.fixture
def runs_session(gymkhana: Event, make_session: Callable[..., Session]) -> Session:
    return make_session(
        gymkhana,
        kind=Session.Kind.OTHER,
        name="Timed runs",
        format=SessionFormat.TIMED_RUNS,
        rules={"runs": 3, "penalty_ms_per_cone": 2000, "class_index": {"NEV A": 0.9}},
    )


@pytest.fixture
def entered(gymkhana: Event, make_user: Callable[..., Any]) -> dict[str, Entry]:
    """Cars 11 and 12 in class NEV A, 21 in NEV B."""
    classes = {
        name: EntryClass.objects.create(event=gymkhana, name=name, capacity=20, fee=0)
        for name in ("NEV A", "NEV B")
    }
    entries = {}
    for place, (number, class_name, first) in enumerate(
        (("11", "NEV A", "Min"), ("12", "NEV A", "Wei"), ("21", "NEV B", "Fang")), start=1
    ):
        person = make_user(f"{first.lower()}@example.test", first_name=first, last_name="Zhao")
        entries[number] = Entry.objects.create(
            place_number=place,
            event=gymkhana,
            entry_class=classes[class_name],
            driver=person,
            status=Entry.Status.CONFIRMED,
            car_number=int(number),
            fee_minor=0,
            currency="CNY",
        )
    return entries
