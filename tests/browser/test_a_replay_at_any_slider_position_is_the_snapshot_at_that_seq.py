"""A finished session replays in the board: at any slider position, forwards, backwards and
across checkpoints, the board the page shows (its data, read through the page's own board
object) is the snapshot the server stored at that seq; play advances it. Phone-sized, no CSP
violation, in Chinese; a real capture too (skipped without ../shared)."""

from __future__ import annotations

import asyncio
import json
import os
import random
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from live.engine.timing import ClassInfo, Competitor, Heartbeat, LapPassing, LineCrossing
from live.feeds.replay import replay
from live.queries.replay import snapshot_at
from live.services.timing import apply_timing_events, create_live_session, finish_live_session
from tests.browser.policy import wait_until, watch_policy_violations
from tests.browser.test_live_board_follows_the_race import AsgiServer
from tests.browser.test_live_board_follows_the_race import asgi_server as asgi_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CARS = ["3", "7", "12", "21", "44", "88"]


def simulated_race(seed: int, until: int = 460) -> tuple[int, dict[int, dict[str, Any]]]:
    """A random race of more than two checkpoints of changes; the snapshot stored at each seq."""
    rng = random.Random(seed)
    session = create_live_session(name="Replay race", mode="race")
    stored = {0: session.snapshot}
    apply_timing_events(
        session_id=session.pk,
        events=[
            ClassInfo(class_no=1, description="GT3"),
            ClassInfo(class_no=2, description="GT4"),
            *(
                Competitor(reg_no=n, number=n, first_name=f"Driver {n}", class_no=1 + i % 2)
                for i, n in enumerate(CARS)
            ),
            *(LapPassing(reg_no=n, lap_ms=None, total_ms=100 * i) for i, n in enumerate(CARS)),
        ],
    )
    session.refresh_from_db()
    stored[session.seq] = session.snapshot
    totals = {n: 100 * i for i, n in enumerate(CARS)}
    elapsed = 0
    while session.seq < until:
        car = min(totals, key=totals.__getitem__)
        lap = rng.randint(88_000, 96_000)
        totals[car] += lap
        elapsed = max(elapsed, totals[car])
        events: list[Any] = [LapPassing(reg_no=car, lap_ms=lap, total_ms=totals[car])]
        if rng.random() < 0.1:
            line = rng.choice(["PIT", "POT"])
            events.append(LineCrossing(car=car, line="P1", line_name=line))
        if rng.random() < 0.3:
            events.append(
                Heartbeat(laps_to_go=9999, time_to_go_ms=None, time_of_day_ms=None,
                          elapsed_ms=elapsed, flag=rng.choice(["green", "green", "yellow"]))
            )  # fmt: skip
        apply_timing_events(session_id=session.pk, events=events)
        session.refresh_from_db()
        stored[session.seq] = session.snapshot
    finish_live_session(session_id=session.pk)
    return session.pk, stored


def build(server: AsgiServer, function: Any, **kwargs: Any) -> Any:
    """`server.run` without its 10 s limit: building a race of hundreds of changes takes what
    the machine gives it (the server's loop, so that each change is published as live)."""
    future = asyncio.run_coroutine_threadsafe(sync_to_async(function)(**kwargs), server.loop)
    return future.result(timeout=600)


def board_at(page: Any, seq: int) -> dict[str, Any]:
    page.evaluate(
        """(seq) => {
            const slider = document.querySelector('.replay-seq');
            slider.value = String(seq);
            slider.dispatchEvent(new Event('input'));
        }""",
        seq,
    )
    return json.loads(page.evaluate("JSON.stringify(window.PaddockBoard.state())"))


def test_the_replay_at_any_slider_position_is_the_stored_snapshot(
    asgi_server: AsgiServer, page_factory: Any
) -> None:
    session_id, stored = build(asgi_server, simulated_race, seed=20)
    last = max(stored)
    page = page_factory(locale="zh-CN")
    violations = watch_policy_violations(page)
    page.goto(f"{asgi_server.url}/live/{session_id}/replay/")
    page.wait_for_selector("#live-board[data-replay-ready='1']", timeout=60_000)
    assert page.locator(".live-conn").inner_text() == "回放"
    assert page.locator(".replay-seq").get_attribute("max") == str(last)

    rng = random.Random(7)
    positions = [0, last, 1, 250, 3, 399, 400, 401, 199, 200, last - 1, 0]
    positions += [rng.randint(0, last) for _ in range(12)]
    for seq in positions:
        assert board_at(page, seq) == stored[seq], seq
        assert page.locator("#live-board").get_attribute("data-seq") == str(seq)
    assert board_at(page, 400)["rows"] == stored[400]["rows"]
    shown = page.locator("tbody tr:not(.live-detail) td:nth-child(2)").all_inner_texts()
    assert shown == [row["number"] for row in stored[400]["rows"]]

    # Play from a position: the board moves on by itself.
    board_at(page, 10)
    page.select_option(".replay-speed", "64")
    page.click(".replay-play")
    assert page.locator(".replay-play").inner_text() == "暂停"
    wait_until(
        page, "Number(document.getElementById('live-board').dataset.seq) > 12", timeout=10_000
    )
    page.click(".replay-play")
    seq = int(page.locator("#live-board").get_attribute("data-seq") or 0)
    assert json.loads(page.evaluate("JSON.stringify(window.PaddockBoard.state())")) == stored[seq]
    assert violations == [], violations


def test_a_replay_starts_where_the_link_says(asgi_server: AsgiServer, page_factory: Any) -> None:
    session_id, stored = build(asgi_server, simulated_race, seed=3, until=340)
    page = page_factory(locale="en-US")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{asgi_server.url}/live/{session_id}/replay/?seq=333")
    page.wait_for_selector("#live-board[data-replay-ready='1']", timeout=60_000)
    assert json.loads(page.evaluate("JSON.stringify(window.PaddockBoard.state())")) == stored[333]
    assert page.locator(".live-replay-status").inner_text() == f"Change 333 of {max(stored)}"


def replayed_capture(path: str) -> tuple[int, dict[int, dict[str, Any]]]:
    """The Orbits mock race through the feed replay, finished; the server's fold at some seqs."""
    with open(path, "rb") as capture:
        data = capture.read()
    session = create_live_session(name="Orbits mock race", mode="race")
    replay(session_id=session.pk, data=data, format="rmonitor", speed=0)
    finish_live_session(session_id=session.pk)
    session.refresh_from_db()
    seqs = sorted({0, 1, session.seq // 3, session.seq // 2, session.seq - 1, session.seq})
    return session.pk, {seq: snapshot_at(session, seq=seq) for seq in seqs}


def test_a_real_capture_replays_to_the_servers_snapshots(
    asgi_server: AsgiServer, page_factory: Any, shared_timing_dir: str
) -> None:
    path = os.path.join(shared_timing_dir, "rmonitor-Orbits_Mock_Session.txt")
    session_id, expected = build(asgi_server, replayed_capture, path=path)
    page = page_factory(locale="zh-CN")
    violations = watch_policy_violations(page)
    page.goto(f"{asgi_server.url}/live/{session_id}/replay/")
    page.wait_for_selector("#live-board[data-replay-ready='1']", timeout=60_000)
    for seq in [*sorted(expected), *sorted(expected, reverse=True)]:
        assert board_at(page, seq) == expected[seq], seq
    assert violations == []
