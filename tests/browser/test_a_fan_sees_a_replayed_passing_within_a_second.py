"""A fan opens the live board in Chromium while a real capture is replayed into the session: each
passing shows on the board within one second of being applied, and the page breaks no rule of the
content security policy on the way."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from live.engine.standings import State, apply, snapshot
from live.engine.timing import LapPassing
from live.feeds.adapters.rmonitor import RMonitorParser
from live.services.timing import apply_timing_events, create_live_session
from tests.browser.policy import wait_until, watch_policy_violations
from tests.browser.test_live_board_follows_the_race import AsgiServer, asgi_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CAPTURE = "rmonitor-Orbits_Mock_Session.txt"
PASSINGS_CHECKED = 6


def capture_events(shared_timing_dir: str) -> list[Any]:
    parser = RMonitorParser()
    data = (Path(shared_timing_dir) / CAPTURE).read_bytes()
    return parser.feed(data) + parser.finish()


def row_shows(number: str, laps: int) -> str:
    return (
        "[...document.querySelectorAll('tbody tr')].some(tr => "
        f"tr.children[1].textContent.trim() === '{number}' && "
        f"tr.children[4].textContent.trim() === '{laps}')"
    )


def test_a_fan_sees_each_replayed_passing_within_one_second(
    asgi_server: AsgiServer,  # noqa: F811
    page_factory: Any,
    shared_timing_dir: str,
) -> None:
    events = capture_events(shared_timing_dir)
    passings = [i for i, e in enumerate(events) if isinstance(e, LapPassing) and e.lap_ms]
    assert len(passings) > PASSINGS_CHECKED
    session = asgi_server.run(create_live_session, name="Brands Hatch replay", mode="race")

    # Everything before the first completed lap: the cars, the classes, the start.
    first = passings[0]
    asgi_server.run(apply_timing_events, session_id=session.pk, events=events[:first])
    engine = State(mode="race")
    for event in events[:first]:
        apply(engine, event)

    fan = page_factory(locale="zh-CN")
    policy_violations = watch_policy_violations(fan)
    fan.goto(f"{asgi_server.url}/live/{session.pk}/")
    fan.wait_for_selector(".live-conn[data-state=live]")

    applied = first
    for index in passings[:PASSINGS_CHECKED]:
        batch = events[applied : index + 1]
        applied = index + 1
        for event in batch:
            apply(engine, event)
        passing = events[index]
        row = next(
            r
            for r in snapshot(engine, seq=0, session={"id": 0, "name": "", "mode": "race"})["rows"]
            if r["key"] == passing.reg_no
        )
        started = time.monotonic()
        asgi_server.run(apply_timing_events, session_id=session.pk, events=batch)
        # Playwright raises if the board has not shown the lap within the second.
        wait_until(fan, row_shows(row["number"], row["laps"]), timeout=1000)
        assert time.monotonic() - started < 1.0

    assert policy_violations == []
