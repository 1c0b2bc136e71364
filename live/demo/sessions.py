"""Demo live session for `manage.py seed_demo`, and the simulator that moves it during `make demo`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.utils import timezone

from live.feeds.adapters.simulator import SimulatorConfig, seconds, timeline
from live.feeds.replay import replay
from live.models import LiveSession, RaceControlMessage, TrackRecord
from live.services.racecontrol import post_race_control_message
from live.services.timed_runs import open_runs_board, refresh_runs_boards
from live.services.timing import (
    apply_timing_events,
    create_live_session,
    finish_live_session,
    map_transponder,
)

DEMO_SESSION_NAME = "Paddock demo race"
# A simulated race run to the end when the demo is seeded, so the demo has a replay (and its
# results page a link to it) with or without the shared captures.
FINISHED_SESSION_NAME = "Paddock demo race (finished, replayable)"
FINISHED_RACE_SEED = 7
# Simulated seconds applied together: the replay's changes are this far apart, enough for a board.
FINISHED_RACE_STEP_S = 5
# The demo race's circuit layout when its event has no venue, its GT3 record before the demo
# (class, lap ms, car, driver), and race control's first message.
DEMO_VENUE = "Shanghai International Circuit"
DEMO_RECORD = ("GT3", 118_000, "3", "马青骅 Ma Qinghua")
DEMO_WELCOME = "欢迎观看 Paddock 演示赛 · Welcome to the Paddock demo race"
P3_SESSION_NAME = "Paddock demo kart heat (P3 replay)"
# A real AMB P3 capture in the workspace's shared data, read from there (never copied into the
# repository); without it the demo simply has no P3 session.
P3_CAPTURE = Path(settings.BASE_DIR).parent / "shared" / "data" / "timing" / "p3-amb-short.out"
# The heat of the kart night the demo events have on today, and the name staff give one
# transponder that no entry carries (an ad-hoc row, as at an arrive-and-drive night).
P3_EVENT_SLUG = "demo-shanghai-kart-night"
P3_EVENT_SESSION = "预赛 Heat"
P3_NAMED = ("27", "陈杰 Chen Jie", "租赁组 Rental")
# The NEV gymkhana day of the events demo (events/demo/timed_runs.py): its afternoon is live.
RUNS_EVENT_SLUG = "demo-shanghai-nev-gymkhana-day"


def demo_session() -> LiveSession | None:
    return LiveSession.objects.filter(
        name=DEMO_SESSION_NAME, source=LiveSession.Source.SIMULATOR
    ).first()


def seed(stdout: TextIO) -> None:
    session = demo_session()
    if session is None:
        event_session = _demo_event_session()
        layout = _demo_layout(event_session)
        session = create_live_session(
            name=DEMO_SESSION_NAME,
            mode=LiveSession.Mode.RACE,
            source=LiveSession.Source.SIMULATOR,
            event_session=event_session,
            layout=layout,
        )
        # Last year's GT3 record on this layout, within reach of the simulated field: the demo
        # race breaks it and announces it once (docs/race-control.md, "Records").
        TrackRecord.objects.get_or_create(
            layout=layout,
            class_name=DEMO_RECORD[0],
            defaults={
                "lap_ms": DEMO_RECORD[1],
                "car_number": DEMO_RECORD[2],
                "driver_name": DEMO_RECORD[3],
                "set_at": timezone.now() - timedelta(days=365),
            },
        )
        post_race_control_message(
            session_id=session.pk, kind=RaceControlMessage.Kind.NOTE, text=DEMO_WELCOME
        )
    stdout.write(f"Live demo session {session.pk}: /live/{session.pk}/\n")
    seed_finished_race(stdout)
    seed_runs_board(stdout)
    seed_p3_replay(stdout)


def seed_finished_race(stdout: TextIO) -> LiveSession:
    """The simulated race, once, run to its end and finished: the demo's replay."""
    session = LiveSession.objects.filter(
        name=FINISHED_SESSION_NAME, source=LiveSession.Source.SIMULATOR
    ).first()
    if session is None:
        session = create_live_session(
            name=FINISHED_SESSION_NAME,
            mode=LiveSession.Mode.RACE,
            source=LiveSession.Source.SIMULATOR,
            event_session=_demo_event_session(),
        )
        batches = seconds(timeline(SimulatorConfig(seed=FINISHED_RACE_SEED)))
        for start in range(0, len(batches), FINISHED_RACE_STEP_S):
            events = [e for batch in batches[start : start + FINISHED_RACE_STEP_S] for e in batch]
            if events:
                apply_timing_events(session_id=session.pk, events=events)
        finish_live_session(session_id=session.pk)
    stdout.write(f"Finished demo race {session.pk}: /live/{session.pk}/replay/\n")
    return session


def seed_p3_replay(stdout: TextIO, capture: Path = P3_CAPTURE) -> LiveSession | None:
    """A finished P3 session replayed from the shared capture, one ad-hoc transponder named."""
    from events.models import Session

    event_session = Session.objects.filter(event__slug=P3_EVENT_SLUG, name=P3_EVENT_SESSION).first()
    if event_session is None:
        return None
    session = LiveSession.objects.filter(name=P3_SESSION_NAME, source=LiveSession.Source.P3).first()
    if session is None:
        if not capture.is_file():
            stdout.write(f"Live P3 demo skipped: no capture at {capture}.\n")
            return None
        session = create_live_session(
            name=P3_SESSION_NAME,
            mode=LiveSession.Mode.RACE,
            source=LiveSession.Source.P3,
            event_session=event_session,
            min_lap_ms=20_000,
        )
        replay(session_id=session.pk, data=capture.read_bytes(), format="p3", speed=0)
        finish_live_session(session_id=session.pk)
        # Every transponder that crossed has an ad-hoc row, named by its number until staff
        # name it: name the first, as staff would on the Transponders page.
        first = session.transponders.order_by("transponder").first()
        if first is not None:
            number, name, class_name = P3_NAMED
            map_transponder(
                session_id=session.pk,
                transponder=first.transponder,
                number=number,
                name=name,
                class_name=class_name,
            )
    org = event_session.event.organization.slug
    stdout.write(
        f"Live P3 replay {session.pk} (finished, {session.transponders.count()} transponders, "
        f"{session.transponders.exclude(name='').count()} named by staff): "
        f"/organizer/{org}/live/{session.pk}/transponders/\n"
    )
    return session


def _demo_layout(event_session: Any) -> str:
    venue = event_session.event.venue_name if event_session is not None else ""
    return f"{venue or DEMO_VENUE} · GP"


def _demo_event_session() -> object | None:
    # Link the demo board to a race in the events demo data when there is one; ad hoc otherwise.
    from events.models import Session

    return Session.objects.filter(kind=Session.Kind.RACE).order_by("starts_at", "pk").first()


def runs_board() -> LiveSession | None:
    """The demo's live timed-runs board: the afternoon runs of the NEV gymkhana day."""
    return (
        LiveSession.objects.filter(
            mode=LiveSession.Mode.TIMED_RUNS, event_session__event__slug=RUNS_EVENT_SLUG
        )
        .order_by("pk")
        .first()
    )


def seed_runs_board(stdout: TextIO) -> LiveSession | None:
    from events.models import Session

    live = runs_board()
    if live is None:
        event_session = (
            Session.objects.filter(event__slug=RUNS_EVENT_SLUG, format="timed_runs")
            .order_by("-starts_at")
            .first()
        )
        if event_session is None:
            return None
        live = open_runs_board(event_session=event_session)
    elif live.event_session is not None:
        # The runs were seeded again: show them as they now stand.
        refresh_runs_boards(live.event_session)
    stdout.write(f"Live timed-runs board {live.pk}: /live/{live.pk}/\n")
    return live


def background_commands() -> list[list[str]]:
    """`demo_serve` runs these next to the web server: the simulators, forever, in real time."""
    return [
        ["live_simulate", "--demo", "--loop", "--speed", "1"],
        ["runs_simulate", "--demo", "--loop"],
    ]
