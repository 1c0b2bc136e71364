"""GET /api/live/sessions/<id>/ returns the snapshot spectators start from."""

from __future__ import annotations

from django.test import Client

from live.engine.timing import Competitor, LapPassing
from live.models import LiveSession
from live.services.timing import apply_timing_events, create_live_session

ROW = {
    "key": "12X",
    "position": 1,
    "number": "12X",
    "name": "Min Zhang",
    "class": "GT4",
    "class_position": 1,
    "laps": 5,
    "total_ms": 461_234,
    "last_lap_ms": 92_001,
    "best_lap_ms": 91_877,
    "best_lap_no": 3,
    "gap_ms": None,
    "gap_laps": 0,
    "interval_ms": None,
    "interval_laps": 0,
    "pb": False,
    "sb": True,
    "in_pit": False,
    "lap_position": 1,
    "places_gained": 0,
}


def test_the_api_returns_the_stored_snapshot_with_its_seq(client: Client, db: None) -> None:
    session = LiveSession.objects.create(
        name="Race 2",
        mode="qualifying",
        seq=17,
        snapshot={"seq": 17, "flag": "yellow", "laps_to_go": 9999, "time_to_go_ms": 600_000,
                  "elapsed_ms": 1_200_000, "rows": [ROW]},
    )  # fmt: skip

    response = client.get(f"/api/live/sessions/{session.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "seq": 17,
        "flag": "yellow",
        "laps_to_go": 9999,
        "time_to_go_ms": 600_000,
        "elapsed_ms": 1_200_000,
        "session": {"id": session.pk, "name": "Race 2", "mode": "qualifying"},
        # Stored before race control and pit stops were on the board: their defaults.
        "final_lap": None,
        "white_flag": False,
        "chequered": False,
        "messages": [],
        "rows": [{**ROW, "finished": False, "stops": 0, "stint_laps": None}],
    }


def test_unknown_and_malformed_ids_are_not_found_or_refused_not_500(
    client: Client, db: None
) -> None:
    assert client.get("/api/live/sessions/999999/").status_code == 404
    assert client.get("/api/live/sessions/abc/").status_code in (404, 422)


def test_the_openapi_document_describes_the_snapshot(client: Client, db: None) -> None:
    schema = client.get("/api/openapi.json").json()

    assert "/api/live/sessions/{session_id}/" in schema["paths"]
    row = schema["components"]["schemas"]["StandingsRow"]["properties"]
    assert {"class", "gap_laps", "pb", "sb", "in_pit"} <= row.keys()


def test_a_grid_before_the_start_is_served_with_gaps_unknown(client: Client, db: None) -> None:
    session = create_live_session(name="Sprint", mode="race")
    apply_timing_events(
        session_id=session.pk,
        events=[
            Competitor(reg_no="7", number="7", first_name="Min", last_name="Zhang"),
            Competitor(reg_no="12", number="12", first_name="Lei", last_name="Wang"),
            LapPassing(reg_no="7", lap_ms=None, total_ms=1_000),
        ],
    )

    response = client.get(f"/api/live/sessions/{session.pk}/")

    assert response.status_code == 200
    waiting = next(row for row in response.json()["rows"] if row["number"] == "12")
    assert (waiting["gap_ms"], waiting["gap_laps"]) == (None, None)
    assert (waiting["interval_ms"], waiting["interval_laps"]) == (None, None)
