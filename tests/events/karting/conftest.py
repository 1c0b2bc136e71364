"""A finished kart meeting: qualifying, three heats (three groups of two, two groups a heat), a
pre-final and a final, all scored as kart heats, with six drivers whose entries were taken
elsewhere (so the meeting's drivers are the qualifying's)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event, Session, SessionFormat, SessionResult
from events.services.results import ResultLine, publish_results

RULES = {
    "max_grid": 4,
    "heat_grid": "qualifying",
    "heat_points": [0, 2, 3, 4, 5, 6],
    "heat_points_lower_is_better": True,
    "prefinal": True,
    "final_grid_from": "prefinal",
}
CARS = ["1", "2", "3", "4", "5", "6"]


def finish(
    session: Session, order: list[str], *, dnf: tuple[str, ...] = (), reason: str = ""
) -> None:
    lines = [
        ResultLine(car_number=n, position=p, driver_name=f"Driver {n}")
        for p, n in enumerate([n for n in order if n not in dnf], start=1)
    ]
    lines += [ResultLine(car_number=n, status="dnf", driver_name=f"Driver {n}") for n in dnf]
    publish_results(
        session=session,
        lines=lines,
        source=SessionResult.Source.TYPED,
        official=True,
        reason=reason,
    )


@pytest.fixture
def meeting(make_event: Callable[..., Event], make_session: Callable[..., Session]) -> Event:
    starts_at = timezone.now() - timedelta(days=3)
    event = make_event(
        title="Kart Open",
        slug="kart-open",
        tier="karting",
        discipline="karting",
        starts_at=starts_at,
        status=Event.Status.COMPLETED,
        registration_opens_at=starts_at - timedelta(days=30),
        registration_closes_at=starts_at - timedelta(days=2),
    )
    qualifying = make_session(
        event, kind=Session.Kind.QUALIFYING, name="Qualifying", starts_at=starts_at
    )
    for hour, (kind, name) in enumerate(
        [
            (Session.Kind.HEAT, "Heat 1"),
            (Session.Kind.HEAT, "Heat 2"),
            (Session.Kind.HEAT, "Heat 3"),
            (Session.Kind.FINAL, "Pre-final"),
            (Session.Kind.FINAL, "Final"),
        ],
        start=1,
    ):
        make_session(
            event,
            kind=kind,
            name=name,
            starts_at=starts_at + timedelta(hours=hour),
            format=SessionFormat.KART_HEATS,
            rules=RULES,
        )
    finish(qualifying, CARS)
    return event


@pytest.fixture
def stages(meeting: Event) -> dict[str, Session]:
    return {s.name: s for s in meeting.sessions.all()}
