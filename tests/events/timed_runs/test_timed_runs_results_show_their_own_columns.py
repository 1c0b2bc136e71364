"""Timed-runs results on the results page and in the API, in the contract's columns; official
results count for a championship through the one results service."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from events.models import AuditLog, ChampionshipStanding, Event, Session, SessionResult
from events.services.championships import add_round, create_championship
from events.services.results import ResultsError
from events.services.timed_runs import RunLine, publish_official, save_runs

pytestmark = pytest.mark.django_db


@pytest.fixture
def runs(entered: Any, runs_session: Session) -> None:
    save_runs(
        session=runs_session,
        lines=[
            RunLine("11", 1, 45_120, cones=1),
            RunLine("11", 2, 44_900),
            RunLine("12", 1, 46_000),
            RunLine("21", 1, 50_000, gates=1),
            RunLine("21", 2, None, status="dnf"),
        ],
    )


@pytest.mark.usefixtures("runs")
def test_the_api_gives_each_run_with_its_penalties(client: Client, gymkhana: Event) -> None:
    body = client.get(f"/api/events/{gymkhana.slug}/results").json()
    (session,) = body["sessions"]
    assert session["format"] == "timed_runs"
    assert session["rules"]["penalty_ms_per_cone"] == 2000
    assert session["rules"]["runs_counted"] == 1
    first, second, third = session["rows"]
    assert {k: first[k] for k in ("position", "class_position", "number", "class", "best_ms")} == {
        "position": 1,
        "class_position": 1,
        "number": "11",
        "class": "NEV A",
        "best_ms": 44_900,
    }
    assert first["name"]
    assert first["indexed_ms"] == 40_410
    assert first["runs"] == [
        {"run": 1, "time_ms": 45_120, "cones": 1, "gates": 0, "status": "ok",
         "penalised_ms": 47_120, "counted": False},
        {"run": 2, "time_ms": 44_900, "cones": 0, "gates": 0, "status": "ok",
         "penalised_ms": 44_900, "counted": True},
    ]  # fmt: skip
    assert (second["number"], second["class_position"]) == ("12", 2)
    assert (third["number"], third["best_ms"], third["class_position"]) == ("21", 60_000, 1)
    assert third["runs"][1]["status"] == "dnf" and third["runs"][1]["penalised_ms"] is None


@pytest.mark.usefixtures("runs")
def test_the_results_page_shows_runs_and_penalties(client: Client, runs_session: Session) -> None:
    event = runs_session.event
    url = reverse("events:session-results", args=[event.slug, runs_session.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "47.120" in page and "1 cone" in page and "44.900" in page
    assert "Indexed" in page and "40.410" in page
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "44.900" in page


@pytest.mark.usefixtures("runs")
def test_a_correction_keeps_the_old_values_in_the_audit_log(runs_session: Session) -> None:
    with translation.override("en"):
        save_runs(session=runs_session, lines=[RunLine("12", 1, 46_000, cones=2)])
    (log,) = AuditLog.objects.filter(action="timed_run_corrected")
    assert "46.000, 0 cones" in log.detail and "46.000, 2 cones" in log.detail
    result = SessionResult.objects.get(session=runs_session)
    assert result.rows.get(car_number="12").total_ms == 50_000


@pytest.mark.usefixtures("runs")
def test_official_timed_runs_score_championship_points(
    runs_session: Session, gymkhana: Event
) -> None:
    championship = create_championship(
        organization=gymkhana.organization,
        name="NEV Gymkhana Series",
        slug="nev-gymkhana-series",
        season=2026,
        position_points=[10, 8, 6],
    )
    add_round(championship=championship, session=runs_session)
    publish_official(session=runs_session)
    points = {
        s.name: s.total for s in ChampionshipStanding.objects.filter(championship=championship)
    }
    assert sorted(points.values(), reverse=True) == [10, 8, 6]  # by the raw classification
    with pytest.raises(ResultsError):  # official: a change needs a reason
        save_runs(session=runs_session, lines=[RunLine("12", 2, 40_000)])
    assert not runs_session.timed_runs.filter(car_number="12", run=2).exists()
    save_runs(session=runs_session, lines=[RunLine("12", 2, 40_000)], reason="Timing fault")
    assert SessionResult.objects.get(session=runs_session).revision == 2
