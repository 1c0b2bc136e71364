"""A finished live session is replayable: its results page and its board link the replay, whose
data are the stored deltas page by page. A session still running, or of a draft event, is not."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from events.models import Event
from live.engine.timing import Competitor, Heartbeat, LapPassing
from live.models import LiveSession
from live.queries import replay as replay_queries
from live.services.timing import apply_timing_events, create_live_session, finish_live_session

pytestmark = pytest.mark.django_db


def _race(event_session: Any = None) -> LiveSession:
    session = create_live_session(name="Final", event_session=event_session)
    apply_timing_events(
        session_id=session.pk,
        events=[Competitor(reg_no="7", number="7", first_name="Min", last_name="Zhang")],
    )
    for lap in range(1, 6):
        apply_timing_events(
            session_id=session.pk,
            events=[
                LapPassing(reg_no="7", lap_ms=90_000, total_ms=lap * 90_000),
                Heartbeat(laps_to_go=9999, time_to_go_ms=None, time_of_day_ms=None,
                          elapsed_ms=lap * 90_000, flag="green"),
            ],
        )  # fmt: skip
    return session


def test_the_results_page_and_the_board_link_the_replay_of_a_finished_session(
    client: Client, club_race: Any
) -> None:
    session = _race(club_race)
    results = f"/events/{club_race.event.slug}/results/{club_race.pk}/"
    assert f"/live/{session.pk}/replay/" not in client.get(results).content.decode()
    assert client.get(f"/live/{session.pk}/replay/").status_code == 404

    finish_live_session(session_id=session.pk)

    english = client.get(results, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="/live/{session.pk}/replay/"' in english
    assert "Replay the live timing" in english
    assert "回放实时计时" in client.get(results).content.decode()
    board = client.get(f"/live/{session.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="/live/{session.pk}/replay/"' in board

    page = client.get(f"/live/{session.pk}/replay/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-replay="1"' in html
    assert "js/live-replay.js" in html
    # The board starts empty, at seq 0: the replay folds the deltas from there.
    start = json.loads(
        re.search(r'<script id="live-snapshot" type="application/json">(.*?)</script>', html)[1]
    )
    assert start["seq"] == 0 and start["rows"] == []


def test_the_replay_data_come_page_by_page_and_refuse_a_bad_position(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _race()
    finish_live_session(session_id=session.pk)
    session.refresh_from_db()
    monkeypatch.setattr(replay_queries, "REPLAY_PAGE", 4)
    url = f"/live/{session.pk}/replay/deltas/"

    seqs: list[int] = []
    while True:
        page = client.get(url, {"after": seqs[-1] if seqs else 0}).json()
        assert page["last"] == session.seq
        if not page["deltas"]:
            break
        assert len(page["deltas"]) <= 4
        seqs += [delta["seq"] for delta in page["deltas"]]
    assert seqs == list(range(1, session.seq + 1))

    for bad in ("-1", "x", "1.5", "９", "9" * 40):
        response = client.get(url, {"after": bad}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, bad
        assert "whole number" in response.json()["error"]


def test_a_running_session_or_one_of_a_draft_event_has_no_replay(
    client: Client, club_race: Any
) -> None:
    running = _race()
    assert client.get(f"/live/{running.pk}/replay/").status_code == 404
    assert client.get(f"/live/{running.pk}/replay/deltas/").status_code == 404

    draft = _race(club_race)
    finish_live_session(session_id=draft.pk)
    Event.objects.filter(pk=club_race.event_id).update(status=Event.Status.DRAFT)
    assert client.get(f"/live/{draft.pk}/replay/").status_code == 404
    assert client.get(f"/live/{draft.pk}/replay/deltas/").status_code == 404


def test_the_api_gives_a_finished_session_at_any_seq(client: Client) -> None:
    running = _race()
    assert client.get(f"/api/live/sessions/{running.pk}/replay/", {"seq": 1}).status_code == 404
    stored = {}
    session = create_live_session(name="Final")
    for lap in range(1, 4):
        apply_timing_events(
            session_id=session.pk,
            events=[LapPassing(reg_no="7", lap_ms=90_000, total_ms=lap * 90_000)],
        )
        session.refresh_from_db()
        stored[session.seq] = session.snapshot
    finish_live_session(session_id=session.pk)
    url = f"/api/live/sessions/{session.pk}/replay/"

    for seq, snapshot in stored.items():
        response = client.get(url, {"seq": seq})
        assert response.status_code == 200
        assert response.json() == snapshot
    assert client.get(url, {"seq": 0}).json()["rows"] == []
    assert client.get(url, {"seq": session.seq + 1}).status_code == 404
    bad = client.get(url, {"seq": "-1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 422
    # Without a seq: the board at the end (the session's last seq).
    at_end = client.get(url).json()
    assert at_end["seq"] == session.seq
    assert at_end == client.get(url, {"seq": session.seq}).json()


def test_pins_are_kept_per_event_so_they_follow_a_car_to_the_next_session(
    client: Client, club_race: Any
) -> None:
    heat = _race(club_race)
    final = _race(club_race)
    ad_hoc = _race()
    scopes = {
        session.pk: re.search(r'data-pin-scope="([^"]+)"', client.get(f"/live/{session.pk}/").text)[
            1
        ]
        for session in (heat, final, ad_hoc)
    }
    assert scopes[heat.pk] == scopes[final.pk] == f"event-{club_race.event_id}"
    assert scopes[ad_hoc.pk] == f"session-{ad_hoc.pk}"


def test_a_finished_timed_runs_board_is_not_replayed_as_standings(client: Client) -> None:
    # Its board starts from the runs (not from the empty board) and is drawn by its own page.
    runs = LiveSession.objects.create(
        name="Autocross", mode=LiveSession.Mode.TIMED_RUNS, status=LiveSession.Status.FINISHED
    )
    assert client.get(f"/live/{runs.pk}/replay/").status_code == 404
    assert client.get(f"/live/{runs.pk}/replay/deltas/").status_code == 404
    assert client.get(f"/api/live/sessions/{runs.pk}/replay/", {"seq": 0}).status_code == 404
