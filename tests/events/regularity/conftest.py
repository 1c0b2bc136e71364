"""A heritage rally with a route: start, a secret check, a time control and the finish, and three
entered crews."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from events.models import Control, Entry, EntryClass, Event, Route, Session
from events.services import regularity as services


@pytest.fixture
def rally(
    make_event: Callable[..., Event],
    make_session: Callable[..., Session],
    make_entry_class: Callable[..., EntryClass],
    make_user: Callable[..., Any],
) -> Route:
    event = make_event(
        title="Heritage Rally",
        slug="heritage-rally",
        tier="local_heritage",
        discipline="regularity",
    )
    session = make_session(
        event, name="Leg 1", kind=Session.Kind.OTHER, ends_at=event.starts_at + timedelta(hours=6)
    )
    classic = make_entry_class(event, name="Classic")
    for place, number in enumerate((1, 2, 3), start=1):
        Entry.objects.create(
            event=event,
            entry_class=classic,
            driver=make_user(f"crew{number}@rally.test"),
            status=Entry.Status.CONFIRMED,
            place_number=place,
            car_number=number,
            fee_minor=0,
            currency="CNY",
        )
    route = services.save_route(
        session=session, mode=Route.Mode.REGULARITY, standard_start=session.starts_at, interval_s=60
    )
    services.add_control(route=route, code="S", kind="start")
    services.add_control(
        route=route, code="SC1", kind="secret", distance_m=12000, speed_kmh=Decimal(48)
    )
    services.add_control(
        route=route, code="TC1", kind="time_control", distance_m=8000, speed_kmh=Decimal(48)
    )
    services.add_control(route=route, code="F", kind="finish", section_s=1200)
    return route


@pytest.fixture
def control(rally: Route) -> Callable[[str], Control]:
    return lambda code: rally.controls.get(code=code)


@pytest.fixture(autouse=True)
def _english_pages(client: Any) -> None:
    """Pages in English, so tests read their messages; one test reads the Chinese page."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
