"""Track and class records per circuit layout, kept across sessions: a replayed session that beats
the layout's track record posts exactly one announcement on the board, the record moves to it,
a second session that does not beat it posts none, and the records page shows it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from live.engine.standings import State, apply, rows
from live.feeds.adapters.simulator import SimulatorConfig, seconds, timeline
from live.feeds.replay import replay
from live.models import LiveSession, RaceControlMessage, TrackRecord
from live.services.timing import apply_timing_events, create_live_session

pytestmark = pytest.mark.django_db

LAYOUT = "Brands Hatch · Indy"


def announcements(session: LiveSession, record: str) -> int:
    return RaceControlMessage.objects.filter(
        session=session, kind=RaceControlMessage.Kind.RECORD, record=record
    ).count()


def session_bests(batches: list) -> list[int]:
    """The session best after each change of it, from the pure engine."""
    state, found = State(mode="race"), []
    for batch in batches:
        for event in batch:
            apply(state, event)
        best = min((r["best_lap_ms"] for r in rows(state) if r["best_lap_ms"]), default=None)
        if best is not None and (not found or best != found[-1]):
            found.append(best)
    return found


def test_the_simulated_race_breaks_the_record_once_then_improves_its_own(client: Client) -> None:
    batches = seconds(timeline(SimulatorConfig(laps=8, seed=1)))
    progression = session_bests(batches)
    assert len(progression) >= 4
    TrackRecord.objects.create(
        layout=LAYOUT,
        class_name="GT3",
        lap_ms=progression[1] + 1,
        car_number="99",
        driver_name="Old Holder",
        set_at=timezone.now() - timedelta(days=365),
    )
    race = create_live_session(name="Demo race", mode="race", layout=LAYOUT)
    for batch in batches:  # one second of the race at a time, as the demo plays it
        if batch:
            apply_timing_events(session_id=race.pk, events=batch)
    race.refresh_from_db()
    # The second session best beat the GT3 record: one announcement. The outright record did not
    # exist on this layout, so it was set silently; later bests are session bests.
    assert announcements(race, "class") == 1
    assert announcements(race, "track") == 0
    assert announcements(race, "session") == len(progression) - 2
    record = TrackRecord.objects.get(layout=LAYOUT, class_name="GT3")
    assert (record.lap_ms, record.session_id) == (progression[-1], race.pk)
    kinds = [m["record"] for m in race.snapshot["messages"]]
    assert sorted(kinds) == ["class", "session"]  # only the newest session best stays shown


def test_a_record_broken_in_a_replay_posts_one_announcement(
    shared_timing_dir: str, client: Client
) -> None:
    data = (Path(shared_timing_dir) / "rmonitor-Orbits_Mock_Session.txt").read_bytes()
    rehearsal = create_live_session(name="Rehearsal", mode="race")  # no layout: no records
    replay(session_id=rehearsal.pk, data=data, format="rmonitor")
    rehearsal.refresh_from_db()
    bests = sorted(r["best_lap_ms"] for r in rehearsal.snapshot["rows"] if r["best_lap_ms"])
    assert not TrackRecord.objects.exists()
    # Last year's record: slower than every car's best lap here, so the session beats it, then
    # keeps improving on its own new record (those are session bests, not news of a record).
    TrackRecord.objects.create(
        layout=LAYOUT,
        lap_ms=bests[-1] + 1,
        car_number="99",
        driver_name="Old Holder",
        set_at=timezone.now() - timedelta(days=365),
    )

    race = create_live_session(name="Race", mode="race", layout=LAYOUT)
    # In the capture's own time steps (without waiting), as a live feed arrives.
    replay(session_id=race.pk, data=data, format="rmonitor", speed=1, sleep=lambda s: None)
    race.refresh_from_db()
    assert announcements(race, "track") == 1
    on_board = [m for m in race.snapshot["messages"] if m["record"] == "track"]
    assert len(on_board) == 1 and on_board[0]["lap_ms"] <= bests[-1]
    record = TrackRecord.objects.get(layout=LAYOUT, class_name="")
    assert (record.lap_ms, record.session_id) == (bests[0], race.pk)
    # The class had no record here yet: set silently, nothing announced for it.
    assert announcements(race, "class") == 0
    assert TrackRecord.objects.filter(layout=LAYOUT).exclude(class_name="").exists()
    # At most one session-best announcement stays on the board.
    assert len([m for m in race.snapshot["messages"] if m["record"] == "session"]) <= 1

    again = create_live_session(name="Race again", mode="race", layout=LAYOUT)
    replay(session_id=again.pk, data=data, format="rmonitor", speed=1, sleep=lambda s: None)
    assert announcements(again, "track") == 0
    assert announcements(again, "class") == 0
    assert TrackRecord.objects.get(layout=LAYOUT, class_name="").session_id == race.pk

    page = client.get(reverse("live:records"), {"layout": LAYOUT}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Outright" in text and record.driver_name in text
    assert client.get(reverse("live:records"), {"layout": "Nowhere"}).status_code == 404
    listing = client.get(reverse("live:records"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "赛道纪录" in listing and LAYOUT in listing


def test_a_boards_records_link_opens_its_layout_even_before_a_record(client: Client) -> None:
    race = create_live_session(name="Race", mode="race", layout="Zhuhai · Full")
    board = client.get(reverse("live:board", args=[race.pk]), HTTP_ACCEPT_LANGUAGE="en")
    link = reverse("live:records") + "?layout=Zhuhai+%C2%B7+Full"
    assert link in board.content.decode()
    page = client.get(link, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "No records on this layout yet." in page.content.decode()


def test_the_demo_race_breaks_last_years_gt3_record_once() -> None:
    import io

    from django.core.management import call_command

    from live.demo.sessions import DEMO_RECORD, demo_session, seed

    seed(io.StringIO())
    session = demo_session()
    assert session is not None and session.layout
    # Race control's welcome is on the board before the first lap.
    assert [m["kind"] for m in session.snapshot["messages"]] == ["note"]
    call_command("live_simulate", "--demo", "--speed", "0")
    session.refresh_from_db()
    assert announcements(session, "class") == 1
    record = TrackRecord.objects.get(layout=session.layout, class_name=DEMO_RECORD[0])
    assert record.session_id == session.pk and record.lap_ms < DEMO_RECORD[1]
    assert session.snapshot["chequered"] and all(r["finished"] for r in session.snapshot["rows"])
