"""`final_classification` gives the results service plain rows in finishing order."""

from __future__ import annotations

import pytest

from live.engine.timing import Competitor, LapPassing, TransponderPassing
from live.services.timing import (
    apply_timing_events,
    create_live_session,
    final_classification,
    finish_live_session,
)


@pytest.mark.django_db
def test_rows_come_in_finishing_order_with_times_in_ms() -> None:
    session = create_live_session(name="Race 1", min_lap_ms=10_000)
    apply_timing_events(
        session_id=session.pk,
        events=[
            Competitor(reg_no="7", number="7", first_name="Li", last_name="Na"),
            Competitor(reg_no="9", number="9", first_name="Wang", last_name="Qiang"),
            LapPassing("9", 61_000, 61_000),
            LapPassing("7", 60_000, 60_000),
            LapPassing("7", 60_500, 120_500),
            TransponderPassing(1, 333, 0),
            TransponderPassing(2, 333, 70_000_000),
        ],
    )
    finish_live_session(session_id=session.pk)
    session.refresh_from_db()
    rows = final_classification(session)
    assert [(r["position"], r["number"], r["laps"]) for r in rows] == [
        (1, "7", 2),
        (2, "9", 1),
        (3, "333", 1),
    ]
    assert rows[0] == {
        "position": 1,
        "number": "7",
        "name": "Li Na",
        "class": "",
        "class_position": 1,
        "laps": 2,
        "total_ms": 120_500,
        "best_lap_ms": 60_000,
        "best_lap_no": 1,
        "gap_ms": None,
        "gap_laps": 0,
        "transponder": None,
    }
    assert rows[2]["transponder"] == 333 and rows[2]["gap_laps"] == 1
