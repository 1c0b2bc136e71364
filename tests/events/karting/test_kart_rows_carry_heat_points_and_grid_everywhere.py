"""Kart results through the one results service: the rows of a heat, the pre-final and the final
carry heat points and the grid place, in the API, on the results page and on the live board."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Event, Session, StartingGrid
from events.services import karting
from live.models import LiveSession

from .conftest import finish

pytestmark = pytest.mark.django_db


@pytest.fixture
def raced(meeting: Event, stages: dict[str, Session]) -> Event:
    karting.make_heat_grids(event=meeting, seed="fixed")
    finish(stages["Heat 1"], ["5", "1", "2", "4"])
    finish(stages["Heat 2"], ["6", "3", "1", "4"], dnf=("4",))
    finish(stages["Heat 3"], ["2", "5", "6", "3"])
    karting.make_final_grid(session=stages["Pre-final"])  # 5, 2, 6, 1
    finish(stages["Pre-final"], ["2", "5", "1", "6"])
    return meeting


def _rows(client: Client, event: Event, name: str) -> dict[str, dict[str, Any]]:
    body = client.get(f"/api/events/{event.slug}/results").json()
    (session,) = [s for s in body["sessions"] if s["session"] == name]
    assert session["format"] == "kart_heats"
    return {row["car_number"]: row for row in session["rows"]}


def test_the_api_gives_heat_points_and_grid_places(client: Client, raced: Event) -> None:
    heat = _rows(client, raced, "Heat 2")
    # Grid of heat 2 (groups A and C): 1, 3, 4, 6 by qualifying.
    assert {n: (r["heat_points"], r["grid"]) for n, r in heat.items()} == {
        "6": (0, 4),
        "3": (2, 2),
        "1": (3, 1),
        "4": (4, 3),
    }
    assert heat["6"]["position"] == 1 and heat["6"]["laps"] is None  # still a race row
    prefinal = _rows(client, raced, "Pre-final")
    # In the pre-final: the heat totals, and the grid from them.
    assert {n: (r["heat_points"], r["grid"]) for n, r in prefinal.items()} == {
        "2": (3, 2),
        "5": (2, 1),
        "1": (5, 4),
        "6": (3, 3),
    }


def test_the_results_page_shows_the_grid_and_heat_points_columns(
    client: Client, raced: Event, stages: dict[str, Session]
) -> None:
    page = client.get(
        reverse("events:session-results", args=[raced.slug, stages["Pre-final"].pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Heat points" in page
    assert "Grid" in page


def test_the_live_board_of_a_heat_shows_its_grid_and_the_next(
    client: Client, meeting: Event, stages: dict[str, Session]
) -> None:
    karting.make_heat_grids(event=meeting, seed="fixed")
    karting.draw_karts(session=stages["Heat 2"], karts=["7", "8", "9", "10"], seed="k")
    live = LiveSession.objects.create(
        name="Heat 1", status=LiveSession.Status.LIVE, event_session=stages["Heat 1"]
    )
    page = client.get(
        reverse("live:board", args=[live.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Grid: Heat 1" in page
    assert "Next grid: Heat 2" in page
    kart_of_1 = StartingGrid.objects.get(session=stages["Heat 2"]).karts["1"]
    assert f'<td class="num">{kart_of_1}</td>' in page


def test_a_corrected_heat_updates_the_heat_totals_on_the_prefinal(
    client: Client, raced: Event, stages: dict[str, Session]
) -> None:
    # Heat 3 corrected: 6 won it instead of 2 (6: 0 + 0 = 0 points, 2: 3 + 3 = 6).
    finish(stages["Heat 3"], ["6", "5", "2", "3"], reason="Stewards: 2 jumped the start")
    prefinal = _rows(client, raced, "Pre-final")
    assert prefinal["6"]["heat_points"] == 0
    assert prefinal["2"]["heat_points"] == 6
    assert prefinal["6"]["grid"] == 3  # the grid already made stays as it was
