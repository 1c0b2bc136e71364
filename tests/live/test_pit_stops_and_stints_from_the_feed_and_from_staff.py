"""Pit stops and stints: from a P3 pit-lane loop, from RMonitor's IMSA line crossings, and from
staff marking a car in and out; shown on the car's page."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from live.engine.standings import State, apply, find_car, pit_history
from live.engine.timing import Competitor, LapPassing, LineCrossing, TransponderPassing
from live.feeds.adapters.p3 import PASSING, decode_frame, encode_frame, frame_event
from live.feeds.adapters.rmonitor import RMonitorParser
from live.feeds.replay import replay
from live.models import LiveSession
from live.services.timing import apply_timing_events, create_live_session

pytestmark = pytest.mark.django_db

PIT_IN, PIT_OUT = 0x00051001, 0x00051002
# A car that stops sits in the pit lane from 35 s after its last crossing to 25 s before the next.
IN_AFTER_US, OUT_BEFORE_US = 35_000_000, 25_000_000
# Longer than any lap of the capture (its laps are 38-57 s): the car stopped.
STOPPED_US = 100_000_000


def pit_frame(decoder: int, number: int, transponder: int, time_us: int) -> bytes:
    fields = [
        (0x01, number.to_bytes(4, "little")),
        (0x03, transponder.to_bytes(4, "little")),
        (0x04, time_us.to_bytes(8, "little")),
        (0x81, decoder.to_bytes(4, "little")),
    ]
    return encode_frame(PASSING, fields).hex().encode()


def with_pit_loop(capture: bytes) -> tuple[bytes, dict[int, list[tuple[int, int]]]]:
    """The real capture with a pit lane's two loops added: for every stop (a gap between two
    passings of one transponder longer than any lap), a passing at the pit-in loop and one at the
    pit-out loop, in time order among the real frames. Returns it and the stops added."""
    lines = capture.splitlines()
    passings: dict[int, list[int]] = {}
    events = []
    for line in lines:
        event = frame_event(decode_frame(bytes.fromhex(line.decode())))
        events.append(event)
        if isinstance(event, TransponderPassing):
            passings.setdefault(event.transponder, []).append(event.time_us)
    stops: dict[int, list[tuple[int, int]]] = {}
    added: list[tuple[int, int, int, int]] = []  # (time, decoder, transponder, kind)
    for transponder, times in passings.items():
        for before, after in itertools.pairwise(times):
            if after - before > STOPPED_US:
                went_in, came_out = before + IN_AFTER_US, after - OUT_BEFORE_US
                stops.setdefault(transponder, []).append((went_in, came_out))
                added += [(went_in, PIT_IN, transponder, 0), (came_out, PIT_OUT, transponder, 1)]
    added.sort()
    out: list[bytes] = []
    numbers = {PIT_IN: 1, PIT_OUT: 1}
    for line, event in zip(lines, events, strict=True):
        while added and isinstance(event, TransponderPassing) and added[0][0] < event.time_us:
            at, decoder, transponder, _ = added.pop(0)
            out.append(pit_frame(decoder, numbers[decoder], transponder, at))
            numbers[decoder] += 1
        out.append(line)
    assert not added
    return b"\n".join(out) + b"\n", stops


def test_a_p3_pit_lane_loop_gives_each_stop_its_duration_and_counts_no_lap(
    shared_timing_dir: str, client: Client
) -> None:
    capture = (Path(shared_timing_dir) / "p3-amb.out").read_bytes()
    spliced, stops = with_pit_loop(capture)
    assert sum(len(s) for s in stops.values()) >= 3  # the capture has cars that stop and restart
    plain = create_live_session(name="No pit loop", source=LiveSession.Source.P3)
    looped = create_live_session(
        name="Pit loop",
        source=LiveSession.Source.P3,
        pit_in_decoder=PIT_IN,
        pit_out_decoder=PIT_OUT,
    )
    replay(session_id=plain.pk, data=capture, format="p3")
    replay(session_id=looped.pk, data=spliced, format="p3")
    plain.refresh_from_db()
    looped.refresh_from_db()

    def board(session: LiveSession) -> dict[str, Any]:
        return {row["key"]: row for row in session.snapshot["rows"]}

    without, with_loop = board(plain), board(looped)
    # The pit loops count no lap and change no lap time.
    assert {k: (r["laps"], r["best_lap_ms"]) for k, r in with_loop.items()} == {
        k: (r["laps"], r["best_lap_ms"]) for k, r in without.items()
    }
    state = State.from_json(looped.engine_state)
    for transponder in {*stops, *(int(key[1:]) for key in with_loop)}:
        car = find_car(state, f"t{transponder}")
        assert car is not None
        history = pit_history(car)
        expected = stops.get(transponder, [])
        assert [s["duration_ms"] for s in history["stops"]] == [
            (out - went_in) // 1000 for went_in, out in expected
        ]
        assert with_loop[car.key]["stops"] == len(expected)
        assert len(history["stints"]) == len(expected) + 1
        assert not with_loop[car.key]["in_pit"]
        # Laps since the last stop are the laps after the last pit exit.
        assert history["laps_since_stop"] == with_loop[car.key]["stint_laps"]
    stopping = max(stops, key=lambda t: len(stops[t]))
    page = client.get(
        reverse("live:car", args=[looped.pk, f"t{stopping}"]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    text = page.content.decode()
    went_in, out = stops[stopping][0]
    minutes, rest = divmod((out - went_in) // 1000, 60_000)
    assert f"{minutes}:{rest // 1000:02d}.{rest % 1000:03d}" in text


def test_rmonitor_pit_crossings_of_a_real_endurance_session_give_stops_and_stints(
    shared_timing_dir: str,
) -> None:
    data = (Path(shared_timing_dir) / "rmonitor-2009_Sebring_ALMS_Session_4.txt").read_bytes()
    parser = RMonitorParser()
    events = parser.feed(data) + parser.finish()
    state = State(mode="race")
    # Pit entries counted per car object: a registration number the feed gives to another car
    # after a reset is a new car, with nothing of the old one (docs/timing.md, section 5).
    entries: dict[int, tuple[Any, int]] = {}
    inside: dict[int, bool] = {}
    for event in events:
        apply(state, event)
        if not isinstance(event, LineCrossing):
            continue
        car = find_car(state, event.car)
        if car is not None:
            going_in = event.line_name in ("PIT", "PIP", "SFP")
            if going_in and not inside.get(id(car)):
                entries[id(car)] = (car, entries.get(id(car), (car, 0))[1] + 1)
            inside[id(car)] = going_in
    current = {id(car) for car in state.cars.values()}
    assert sum(count for key, (_, count) in entries.items() if key in current) > 40
    for key, (car, count) in entries.items():
        if key not in current:
            continue
        history = pit_history(car)
        assert len(history["stops"]) == count
        done = [s["duration_ms"] for s in history["stops"] if s["out_ms"] is not None]
        # Practice stops at Sebring: from a tyre change to a long repair, never negative.
        assert all(0 < ms < 20 * 60_000 for ms in done)
        assert len(history["stints"]) == count + (0 if car.in_pit else 1)
    # Endurance line-ups: the driver in the car changes between stints.
    drivers = {stint["driver"] for stint in pit_history(find_car(state, "40"))["stints"]}  # type: ignore[arg-type]
    assert len(drivers - {""}) >= 2


def test_staff_mark_a_car_in_and_out_and_its_page_shows_the_stop(
    client: Client, staff_member: Any, p3_live: LiveSession
) -> None:
    apply_timing_events(
        session_id=p3_live.pk,
        events=[
            Competitor(reg_no="7", number="7", first_name="Min", last_name="Zhang"),
            LapPassing("7", 60_000, 60_000),
            LapPassing("7", 59_000, 119_000),
        ],
    )
    client.force_login(staff_member)
    pit = reverse("live:race-control-pit", args=["shanghai-motor-club", p3_live.pk])
    assert client.post(pit, {"car": "7", "pit_in": "in"}).status_code == 302
    p3_live.refresh_from_db()
    row = p3_live.snapshot["rows"][0]
    assert (row["in_pit"], row["stops"], row["stint_laps"]) == (True, 1, None)
    refused = client.post(pit, {"car": "7", "pit_in": "in"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "Car 7 is already in the pit lane." in refused.content.decode()
    unknown = client.post(pit, {"car": "70", "pit_in": "out"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Car 70 is not on this board." in unknown.content.decode()
    assert client.post(pit, {"car": "7", "pit_in": "out"}).status_code == 302
    apply_timing_events(session_id=p3_live.pk, events=[LapPassing("7", 90_000, 209_000)])
    p3_live.refresh_from_db()
    row = p3_live.snapshot["rows"][0]
    assert (row["in_pit"], row["stops"], row["stint_laps"]) == (False, 1, 1)
    page = client.get(reverse("live:car", args=[p3_live.pk, "7"]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert page.status_code == 200
    assert "进站与驾驶段" not in text  # the board's link text, not the page's
    assert "驾驶段" in text and "Min Zhang" in text
    history = pit_history(find_car(State.from_json(p3_live.engine_state), "7"))  # type: ignore[arg-type]
    assert [(s["lap"], s["duration_ms"] is not None) for s in history["stops"]] == [(2, True)]
    assert [(s["from_lap"], s["to_lap"]) for s in history["stints"]] == [(0, 2), (2, 3)]
    assert client.get(reverse("live:car", args=[p3_live.pk, "nope"])).status_code == 404


def test_a_car_page_adds_up_each_drivers_stints() -> None:
    state = State(mode="race")
    events = [
        Competitor(reg_no="9", number="9", first_name="Team Blue", last_name="Li Na"),
        LapPassing("9", 90_000, 90_000),
        LapPassing("9", 90_000, 180_000),
        LineCrossing(car="9", line="P1", line_name="PIT", date="05/01/2026", time="10:00:00.000"),
        Competitor(reg_no="9", number="9", first_name="Team Blue", last_name="Wang Wei"),
        LineCrossing(car="9", line="P2", line_name="POT", date="05/01/2026", time="10:01:05.500"),
        LapPassing("9", 150_000, 330_000),
        LineCrossing(car="9", line="P1", line_name="PIT", date="05/01/2026", time="10:03:00.000"),
        Competitor(reg_no="9", number="9", first_name="Team Blue", last_name="Li Na"),
        LineCrossing(car="9", line="P2", line_name="POT", date="05/01/2026", time="10:03:50.000"),
        LapPassing("9", 140_000, 470_000),
        LapPassing("9", 90_000, 560_000),
    ]
    for event in events:
        apply(state, event)
    history = pit_history(state.cars["9"])
    assert [s["duration_ms"] for s in history["stops"]] == [65_500, 50_000]
    assert [(s["driver"], s["laps"]) for s in history["stints"]] == [
        ("Team Blue Li Na", 2),
        ("Team Blue Wang Wei", 1),
        ("Team Blue Li Na", 2),
    ]
    assert history["drivers"] == [
        {"driver": "Team Blue Li Na", "stints": 2, "laps": 4},
        {"driver": "Team Blue Wang Wei", "stints": 1, "laps": 1},
    ]
    assert history["laps_since_stop"] == 2
