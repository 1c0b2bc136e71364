"""Live timed-runs boards: open one for an event session, refresh it on every change to the runs,
and time runs from a start loop and a finish loop.

The runs themselves live in events (events/services/timed_runs.py): staff enter them at the line,
the loops open and close them here through the same service, and every change calls
`refresh_runs_boards` after commit (the `events.hooks.timed_runs_changed` hook), which stores
the new board and publishes its delta like any live board.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from events.models import Session, SessionFormat, TimedRun
from events.services import timed_runs as runs
from events.services.results import ResultsError
from live.engine.runs_board import Pairing, RunStarted, board_rows, pair
from live.engine.timing import TimingEvent
from live.models import LiveSession
from live.services.boards import session_info, store_board
from live.services.transponders import resolve_transponder

logger = logging.getLogger(__name__)


class NotTimedRuns(ValueError):
    """A timed-runs board was asked for a session that is not scored as timed runs."""


def runs_snapshot(live: LiveSession, event_session: Session) -> dict[str, Any]:
    data = runs.board_data(event_session)
    return {
        "seq": live.seq + 1,
        "flag": "none",
        "laps_to_go": None,
        "time_to_go_ms": None,
        "elapsed_ms": None,
        "session": {
            **session_info(live),
            "runs": data.rules["runs"],
            "runs_counted": data.rules["runs_counted"],
            "indexed": bool(data.rules["class_index"]),
        },
        "rows": board_rows(
            data.scored, names=data.names, on_course=data.on_course, runs=data.rules["runs"]
        ),
    }


def open_runs_board(
    *,
    event_session: Session,
    name: str = "",
    source: str = LiveSession.Source.SIMULATOR,
    start_decoder_id: int | None = None,
    finish_decoder_id: int | None = None,
) -> LiveSession:
    """A live board for a timed-runs session, showing its runs as they stand."""
    if event_session.format != SessionFormat.TIMED_RUNS:
        raise NotTimedRuns(event_session.pk)
    with transaction.atomic():
        live = LiveSession.objects.create(
            name=name or f"{event_session.event.title} · {event_session}",
            mode=LiveSession.Mode.TIMED_RUNS,
            source=source,
            event_session=event_session,
            start_decoder_id=start_decoder_id,
            finish_decoder_id=finish_decoder_id,
        )
        live.snapshot = {**runs_snapshot(live, event_session), "seq": 0}
        live.save(update_fields=["snapshot"])
    return live


def refresh_runs_boards(event_session: Session) -> None:
    """Store and publish the board of every open timed-runs live session of this event session
    (registered on events.hooks.timed_runs_changed; runs after the change is committed)."""
    live_ids = list(
        LiveSession.objects.filter(event_session=event_session, mode=LiveSession.Mode.TIMED_RUNS)
        .exclude(status=LiveSession.Status.FINISHED)
        .values_list("pk", flat=True)
    )
    for live_id in live_ids:
        with transaction.atomic():
            live = LiveSession.objects.select_for_update().get(pk=live_id)
            store_board(live, runs_snapshot(live, event_session), ["updated_at"])


def apply_run_passings(live: LiveSession, events: Sequence[TimingEvent]) -> None:
    """Passings of the start and finish loops into runs (the caller holds the session lock).

    A start opens the car's next run (on course on the board); a finish closes it with its
    time, which staff then see on their page to add cones. Without both decoder ids set the
    passings are ignored.
    """
    if live.start_decoder_id is None or live.finish_decoder_id is None:
        return
    event_session = live.event_session
    if event_session is None:
        return
    pairing = Pairing.from_json(
        (live.engine_state or {}).get("pairing", {}),
        start=live.start_decoder_id,
        finish=live.finish_decoder_id,
    )
    for happened in pair(pairing, events):
        number = resolve_transponder(session=live, transponder=happened.transponder).number
        try:
            with transaction.atomic():
                if isinstance(happened, RunStarted):
                    runs.start_run(session=event_session, car_number=number)
                else:
                    runs.save_runs(
                        session=event_session,
                        lines=[runs.RunLine(number, None, happened.time_ms)],
                        source=TimedRun.Source.DECODER,
                        reason="",
                    )
        except ResultsError as error:
            # A car not entered, a run too many, official results: staff see it on their page.
            logger.warning("live session %s: run of car %s not saved: %s", live.pk, number, error)
    live.engine_state = {**(live.engine_state or {}), "pairing": pairing.to_json()}
    live.save(update_fields=["engine_state", "updated_at"])
