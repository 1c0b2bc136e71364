"""A live timed-runs board follows the runs: staff entries and loop timings both reach it as
numbered deltas; start and finish loop passings are paired by transponder into runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from events.models import Entry, Session, TimedRun
from events.services.timed_runs import RunLine, save_runs, start_run
from live.engine.runs_board import Pairing, RunStarted, RunTimed, pair
from live.engine.timing import TransponderPassing
from live.models import LiveDelta, LiveSession
from live.services.timed_runs import NotTimedRuns, open_runs_board
from live.services.timing import apply_timing_events

START, FINISH = 101, 202


def passing(tx: int, at_s: float, decoder: int) -> TransponderPassing:
    return TransponderPassing(
        passing_no=None, transponder=tx, time_us=int(at_s * 1_000_000), decoder_id=decoder
    )


def test_passings_pair_into_runs_by_transponder() -> None:
    pairing = Pairing(start_decoder=START, finish_decoder=FINISH)
    out = pair(
        pairing,
        [
            passing(7, 100.0, FINISH),  # a finish with no start: ignored
            passing(7, 101.0, START),
            passing(7, 101.2, START),  # a double read of the start: ignored
            passing(8, 105.0, START),
            passing(7, 146.1234, FINISH),
            passing(8, 105.5, FINISH),  # shorter than a second: a double read across loops
            passing(8, 152.0, FINISH),
        ],
    )
    assert out == [RunStarted(7), RunStarted(8), RunTimed(7, 45_123), RunTimed(8, 47_000)]
    assert pairing.open == {}
    again = Pairing.from_json(pairing.to_json(), start=START, finish=FINISH)
    assert again == pairing


@pytest.fixture
def board(runs_session: Session, entered: dict[str, Entry], db: None) -> LiveSession:
    return open_runs_board(event_session=runs_session)


def rows_of(live: LiveSession) -> dict[str, dict[str, Any]]:
    live.refresh_from_db()
    return {row["key"]: row for row in live.snapshot["rows"]}


def test_staff_runs_reach_the_board_as_deltas(
    board: LiveSession,
    runs_session: Session,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        save_runs(session=runs_session, lines=[RunLine("11", 1, 45_120, cones=1)])
    with django_capture_on_commit_callbacks(execute=True):
        save_runs(session=runs_session, lines=[RunLine("12", 1, 46_000)])
    with django_capture_on_commit_callbacks(execute=True):
        start_run(session=runs_session, car_number="11")
    rows = rows_of(board)
    assert board.seq == 3
    assert list(LiveDelta.objects.filter(session=board).values_list("seq", flat=True)) == [1, 2, 3]
    assert rows["11"]["last"] == {
        "run": 1,
        "time_ms": 45_120,
        "cones": 1,
        "gates": 0,
        "status": "ok",
        "penalised_ms": 47_120,
    }
    assert (rows["12"]["position"], rows["11"]["position"]) == (1, 2)
    assert rows["11"]["indexed_position"] == 2 and rows["11"]["indexed_ms"] == 42_408
    assert rows["11"]["on_course"] is True and rows["11"]["runs_left"] == 1
    assert rows["12"]["on_course"] is False and rows["12"]["runs_left"] == 2


def test_loops_time_a_run_that_staff_then_add_cones_to(
    board: LiveSession,
    runs_session: Session,
    entered: dict[str, Entry],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    entry = entered["21"]
    entry.transponder = "4321"
    entry.save(update_fields=["transponder"])
    board.start_decoder_id, board.finish_decoder_id = START, FINISH
    board.save()
    with django_capture_on_commit_callbacks(execute=True):
        apply_timing_events(session_id=board.pk, events=[passing(4321, 10.0, START)])
    assert rows_of(board)["21"]["on_course"] is True
    with django_capture_on_commit_callbacks(execute=True):
        apply_timing_events(session_id=board.pk, events=[passing(4321, 61.25, FINISH)])
    run = TimedRun.objects.get(session=runs_session, car_number="21")
    assert (run.run, run.time_ms, run.on_course, run.source) == (1, 51_250, False, "decoder")
    with django_capture_on_commit_callbacks(execute=True):
        save_runs(session=runs_session, lines=[RunLine("21", 1, 51_250, cones=2)])
    row = rows_of(board)["21"]
    assert (row["on_course"], row["best_ms"]) == (False, 55_250)


def test_the_board_page_draws_runs(client: Client, board: LiveSession) -> None:
    page = client.get(f"/live/{board.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "On course now" in page and "live-runs-board.js" in page
    page = client.get(f"/live/{board.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "live-runs-board.js" in page


@pytest.mark.django_db
def test_a_race_session_gets_no_runs_board(race_session: Session) -> None:
    with pytest.raises(NotTimedRuns):
        open_runs_board(event_session=race_session)


@pytest.fixture
def race_session(gymkhana: Any, make_session: Callable[..., Session]) -> Session:
    return make_session(gymkhana, kind=Session.Kind.RACE, name="Race")


def test_the_api_gives_the_runs_board(
    client: Client,
    board: LiveSession,
    runs_session: Session,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        save_runs(session=runs_session, lines=[RunLine("11", 1, 45_120, cones=1)])
    body = client.get(f"/api/live/sessions/{board.pk}/").json()
    assert body["session"]["mode"] == "timed_runs" and body["session"]["indexed"] is True
    (row,) = body["rows"]
    assert (row["number"], row["class"], row["best_ms"], row["last"]["penalised_ms"]) == (
        "11",
        "NEV A",
        47_120,
        47_120,
    )
