"""An efficiency run's results from a CSV file, on the command line: every bad line reported,
nothing saved on any error; a good file scores and publishes the session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from events.models import EfficiencyRun, Event, Session, SessionFormat, SessionResult

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_session(make_event: Callable[..., Event], make_session: Callable[..., Session]) -> Session:
    starts_at = timezone.now() - timedelta(days=1)
    event = make_event(slug="nev-run", tier="nev", discipline="efficiency", starts_at=starts_at)
    return make_session(
        event,
        starts_at=starts_at,
        format=SessionFormat.EFFICIENCY,
        rules={"time_window_ms": 3_600_000, "over_time": "not_classified"},
    )


def _file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "energy.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_good_file_is_scored_and_published(tmp_path: Path, run_session: Session) -> None:
    path = _file(
        tmp_path,
        "number,status,distance_km,time,energy_kwh,driver",
        "11,ok,42.0,58:30,4.620,Xu Nuo",
        "12,ok,42.0,61:00,4.000,Deng Lin",
        "13,dnf,12.5,20:00,1.7,Peng Cheng",
    )
    call_command("results_import", str(run_session.pk), str(path), "--official")
    result = SessionResult.objects.get(session=run_session)
    assert result.is_official
    rows = list(result.rows.order_by("order"))
    assert [(r.car_number, r.position, r.status) for r in rows] == [
        ("11", 1, "classified"),
        ("12", None, "nc"),  # a minute over the hour: not classified under these rules
        ("13", None, "dnf"),
    ]
    assert rows[0].extra["kwh_per_100km"] == "11.000"
    assert rows[0].driver_name == "Xu Nuo"


def test_every_bad_line_is_reported_and_nothing_is_saved(
    tmp_path: Path, run_session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(
        tmp_path,
        "number,status,distance_km,time,energy_kwh",
        "11,ok,42.0,58:30,4.620",
        "12,maybe,42.0,58:30,4.000",
        "13,ok,far,58:30,4.000",
        "11,ok,42.0,58:30,4.100",
    )
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("results_import", str(run_session.pk), str(path))
    errors = capsys.readouterr().err
    assert "line 3" in errors and "line 4" in errors and "line 5" in errors
    assert not EfficiencyRun.objects.exists()
    assert not SessionResult.objects.filter(session=run_session).exists()
