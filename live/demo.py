"""Demo live session for `manage.py seed_demo`, and the simulator that moves it during `make demo`."""

from __future__ import annotations

from typing import TextIO

from live.models import LiveSession
from live.services import create_live_session

DEMO_SESSION_NAME = "Paddock demo race"


def demo_session() -> LiveSession | None:
    return LiveSession.objects.filter(
        name=DEMO_SESSION_NAME, source=LiveSession.Source.SIMULATOR
    ).first()


def seed(stdout: TextIO) -> None:
    session = demo_session()
    if session is None:
        session = create_live_session(
            name=DEMO_SESSION_NAME,
            mode=LiveSession.Mode.RACE,
            source=LiveSession.Source.SIMULATOR,
            event_session=_demo_event_session(),
        )
    stdout.write(f"Live demo session {session.pk}: /live/{session.pk}/\n")


def _demo_event_session() -> object | None:
    # Link the demo board to a race in the events demo data when there is one; ad hoc otherwise.
    from events.models import Session

    return Session.objects.filter(kind=Session.Kind.RACE).order_by("starts_at", "pk").first()


def background_commands() -> list[list[str]]:
    """`demo_serve` runs these next to the web server: the simulator, forever, in real time."""
    return [["live_simulate", "--demo", "--loop", "--speed", "1"]]
