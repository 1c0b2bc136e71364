"""A championship season with real rounds and official results, and next season's events.

The season is last year's (relative to the next event, always a month ahead or more), so its
rounds are in the past and the next event is in a later season whatever today's date is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from events.models import Championship, EntryClass, Event, Session
from events.services.championships import add_round, create_championship, set_classes
from events.services.results import ResultLine, publish_results
from racing.models import Organization
from tests.events.conftest import local

NEXT_EVENT_IN = timedelta(days=40)


def season_year() -> int:
    """The season before the one the next event (NEXT_EVENT_IN ahead) belongs to."""
    return (timezone.localtime() + NEXT_EVENT_IN).year - 1


@dataclass
class Season:
    championship: Championship
    drivers: dict[str, Any]  # by name


def run_season(
    *,
    organization: Organization,
    make_event: Callable[..., Event],
    make_session: Callable[..., Session],
    make_user: Callable[..., Any],
    rounds: Sequence[Sequence[str]],
    promote_top: int = 3,
    promote_min_rounds: int = 0,
    promote_to: str = "Open",
    name: str = "Club Championship",
    prefix: str = "",
) -> Season:
    """A championship of ``organization`` whose Rookie top ``promote_top`` move up (to Open).

    ``rounds`` gives each round's Rookie finishing order by driver name (each name is a driver
    account, linked in the results); every round's results are official. Points 10, 8, 6, 5, 4, 3.
    """
    year = season_year()
    championship = create_championship(
        organization=organization,
        name=name,
        season=year,
        position_points=[10, 8, 6, 5, 4, 3],
    )
    set_classes(
        championship=championship,
        classes=[
            {
                "name": "Rookie",
                "promote_top": promote_top,
                "promote_to": promote_to,
                "promote_min_rounds": promote_min_rounds,
            },
            {"name": "Open"},
        ],
    )
    drivers: dict[str, Any] = {}
    cars: dict[str, int] = {}
    for number, order in enumerate(rounds, start=1):
        starts_at = local(year, 3 + number, 10, 9)
        event = make_event(
            title=f"{name} round {number}",
            slug=f"{prefix}{championship.slug}-r{number}",
            starts_at=starts_at,
            status=Event.Status.COMPLETED,
            organization=organization,
            registration_opens_at=starts_at - timedelta(days=30),
            registration_closes_at=starts_at - timedelta(days=2),
        )
        race = make_session(event, name="Race")
        add_round(championship=championship, session=race)
        lines = []
        for position, person in enumerate(order, start=1):
            if person not in drivers:
                drivers[person] = make_user(
                    f"{prefix}{person.lower()}@example.test", first_name=person
                )
                cars[person] = 10 + len(cars)
            lines.append(
                ResultLine(
                    car_number=str(cars[person]),
                    position=position,
                    driver_name=person,
                    class_name="Rookie",
                    driver_id=drivers[person].pk,
                )
            )
        publish_results(session=race, lines=lines, source="typed", official=True)
    return Season(championship=championship, drivers=drivers)


def next_season_event(
    make_event: Callable[..., Event], organization: Organization, slug: str = "next-season"
) -> Event:
    """A published event of ``organization`` in the next season, open for entries."""
    starts_at = (timezone.now() + NEXT_EVENT_IN).replace(second=0, microsecond=0)
    return make_event(
        title="Next season opener", slug=slug, starts_at=starts_at, organization=organization
    )


def entry_class(event: Event, name: str) -> EntryClass:
    return EntryClass.objects.create(event=event, name=name, capacity=30, fee=0)
