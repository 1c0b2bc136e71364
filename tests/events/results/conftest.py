"""Results fixtures: a finished event with a qualifying session and a race, and CSV helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from events.models import Event, Session
from events.services.results import ResultLine

HEADER = "position,car,status,driver,team,class,laps,total_time,best_lap,best_lap_no"


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


RACE_CSV = csv_bytes(
    "1,7,classified,Zhang Min,Red Dragon,Rookie,12,18:01.250,1:29.100,5",
    "2,23,classified,Li Wei,,Rookie,12,18:03.500,1:29.050,7",
    "3,5,classified,Wang Fang,Blue Tiger,Pro,12,18:10.000,1:29.900,3",
    ",11,DNF,Chen Jie,,Pro,4,,1:31.000,2",
)


@pytest.fixture
def finished_event(make_event: Callable[..., Event], make_session: Callable[..., Session]) -> Event:
    """A completed event of `organization` last week, with qualifying and a race."""
    starts_at = timezone.now() - timedelta(days=7)
    event = make_event(
        title="Shanghai Club Cup",
        slug="shanghai-club-cup",
        starts_at=starts_at,
        status=Event.Status.COMPLETED,
        registration_opens_at=starts_at - timedelta(days=30),
        registration_closes_at=starts_at - timedelta(days=2),
    )
    make_session(event, kind=Session.Kind.QUALIFYING, name="Qualifying", starts_at=starts_at)
    make_session(
        event, kind=Session.Kind.RACE, name="Race 1", starts_at=starts_at + timedelta(hours=2)
    )
    return event


@pytest.fixture
def race(finished_event: Event) -> Session:
    return finished_event.sessions.get(name="Race 1")


@pytest.fixture
def qualifying(finished_event: Event) -> Session:
    return finished_event.sessions.get(name="Qualifying")


def line(car: str, position: int | None = None, **fields: Any) -> ResultLine:
    fields.setdefault("status", "classified" if position else "dnf")
    fields.setdefault("driver_name", f"Driver {car}")
    return ResultLine(car_number=car, position=position, **fields)


@pytest.fixture
def entered_cars(
    finished_event: Event, driver: Any, make_user: Callable[..., Any]
) -> dict[str, Any]:
    """Confirmed entries of `finished_event`: car 7 is `driver` (Min Zhang), car 23 Li Wei."""
    from events.models import Entry, EntryClass

    rookie = EntryClass.objects.create(event=finished_event, name="Rookie", capacity=20, fee=0)
    li_wei = make_user("li.wei@example.test", first_name="Wei", last_name="Li")
    entries = {}
    for place, (number, person) in enumerate((("7", driver), ("23", li_wei)), start=1):
        entries[number] = Entry.objects.create(
            place_number=place,
            event=finished_event,
            entry_class=rookie,
            driver=person,
            status=Entry.Status.CONFIRMED,
            car_number=int(number),
            fee_minor=0,
            currency="CNY",
        )
    return entries
