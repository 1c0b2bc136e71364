"""A regularity session's results through the one results service: scored from the stamps,
published provisional then official, rows in the API contract with the session's rules,
championship points from the positions, and the stamps CSV through `manage.py results_import`."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from events.models import ChampionshipStanding, Control, Route, SessionFormat, Stamp
from events.services import regularity as services
from events.services.championships import add_round, create_championship
from events.services.results import ResultsError

CONTROL_KEYS = {"code", "kind", "ideal", "actual", "delta_ms", "penalty"}


def stamp(control: Control, number: int, seconds: float) -> None:
    due = control.route.standard_start + timedelta(minutes=number)
    Stamp.objects.create(
        control=control, car_number=number, at=due + timedelta(seconds=seconds), source="tap"
    )


def run_the_rally(control: Callable[[str], Control]) -> None:
    """Car 1: 3 s late at SC1, all else on time; car 2: on time everywhere; car 3 never starts."""
    for number, sc1 in ((1, 15 * 60 + 3), (2, 15 * 60)):
        stamp(control("S"), number, 0)
        stamp(control("SC1"), number, sc1)
        stamp(control("TC1"), number, 25 * 60)
        stamp(control("F"), number, 45 * 60)


def test_a_scored_route_makes_its_session_a_regularity_session(rally: Route) -> None:
    rally.session.refresh_from_db()
    assert rally.session.format == SessionFormat.REGULARITY
    assert rally.session.checked_rules["tc_early_per_minute"] == 2  # the heritage tier's preset
    services.apply_rules_preset(session=rally.session, preset="msuk-historic")
    assert rally.session.checked_rules["tc_late_per_minute"] == 15


def test_results_are_published_and_the_api_speaks_the_contract(
    rally: Route, control: Callable[[str], Control], organizer: Any
) -> None:
    run_the_rally(control)
    result = services.publish_regularity_results(session=rally.session, by=organizer, official=True)
    rows = list(result.rows.order_by("order").values_list("car_number", "position", "status"))
    assert rows == [("2", 1, "classified"), ("1", 2, "classified"), ("3", None, "dns")]
    event = rally.session.event
    data = Client().get(f"/api/events/{event.slug}/results").json()
    (session,) = data["sessions"]
    assert session["format"] == "regularity"
    assert session["rules"]["secret_cap"] == 300
    first, second, _ = session["rows"]
    assert set(first) == {
        "position",
        "number",
        "crew",
        "class",
        "penalty_points",
        "zeros",
        "controls",
    }
    assert (first["number"], first["penalty_points"], first["zeros"]) == ("2", 0.0, 4)
    assert (second["number"], second["penalty_points"]) == ("1", 3.0)
    sc1 = next(c for c in second["controls"] if c["code"] == "SC1")
    assert set(sc1) == CONTROL_KEYS
    assert (sc1["kind"], sc1["delta_ms"], sc1["penalty"]) == ("secret", 3000, 3.0)
    assert sc1["actual"].endswith("+08:00")  # in the event's zone
    # Correcting official results needs a reason, as for any session.
    with pytest.raises(ResultsError):
        services.publish_regularity_results(session=rally.session, by=organizer, official=True)


def test_official_regularity_results_score_championship_points(
    rally: Route, control: Callable[[str], Control], organizer: Any
) -> None:
    championship = create_championship(
        organization=rally.session.event.organization,
        name="Heritage Trophy",
        season=rally.session.starts_at.year,
        is_public=True,
        position_points=[10, 8, 6],
        class_names=["Classic"],
    )
    add_round(championship=championship, session=rally.session)
    run_the_rally(control)
    services.publish_regularity_results(session=rally.session, by=organizer, official=True)
    points = {
        s.name: s.total for s in ChampionshipStanding.objects.filter(championship=championship)
    }
    assert sorted(points.values(), reverse=True)[:2] == [10, 8]


def test_the_results_import_command_reads_number_control_time(
    rally: Route, tmp_path: Any, english: None
) -> None:
    from django.utils import timezone

    zone = rally.session.event.zone

    def clock(number: int, minutes: float) -> str:
        moment = rally.standard_start + timedelta(minutes=number + minutes)
        return timezone.localtime(moment, zone).strftime("%H:%M:%S")

    csv = tmp_path / "stamps.csv"
    csv.write_text(
        "number,control,time\n"
        + "".join(
            f"{n},S,{clock(n, 0)}\n{n},SC1,{clock(n, 15)}\n{n},TC1,{clock(n, 25)}\n{n},F,{clock(n, 45)}\n"
            for n in (1, 2, 3)
        )
    )
    call_command("results_import", str(rally.session_id), str(csv))
    assert Stamp.objects.filter(source=Stamp.Source.IMPORT).count() == 12
    result = rally.session.result
    assert [row.extra["penalty_points"] for row in result.rows.all()] == [0.0, 0.0, 0.0]
    bad = tmp_path / "bad.csv"
    bad.write_text("number,control,time\n1,XX,10:00:00\n")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("results_import", str(rally.session_id), str(bad), stderr=errors)
    assert "XX" in errors.getvalue()
    assert Stamp.objects.count() == 12
