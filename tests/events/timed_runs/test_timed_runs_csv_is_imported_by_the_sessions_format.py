"""`manage.py results_import <session> FILE` and the upload page read a CSV by the session's format:
timed runs take number,run,time,cones,gates,status; every bad line is named, nothing is saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from events.models import Session, SessionResult, TimedRun
from events.services.formats import import_results_csv
from tests.events.timed_runs.conftest import runs_csv

pytestmark = pytest.mark.django_db

GOOD = runs_csv(
    "11,1,45.120,1,0,ok",
    "11,2,0:44.900,0,0,",
    "12,1,46.000,0,0,OK",
    "12,2,,0,0,DNF",
    "21,1,1:02.5,3,1,ok",
)


@pytest.mark.usefixtures("entered")
def test_a_file_of_runs_is_scored_into_the_sessions_results(
    runs_session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "runs.csv"
    path.write_bytes(GOOD)
    call_command("results_import", str(runs_session.pk), str(path))
    assert TimedRun.objects.filter(session=runs_session).count() == 5
    result = SessionResult.objects.get(session=runs_session)
    rows = [(r.position, r.car_number, r.total_ms) for r in result.rows.all()]
    # 11: best of 47.120 and 44.900; 12: 46.000; 21: 62.500 + 6 + 10 = 78.500.
    assert rows == [(1, "11", 44_900), (2, "12", 46_000), (3, "21", 78_500)]
    row = result.rows.get(car_number="11")
    assert row.driver_name  # the name comes from the entry
    assert row.extra["runs"][0] == {
        "run": 1,
        "time_ms": 45_120,
        "cones": 1,
        "gates": 0,
        "status": "ok",
        "penalised_ms": 47_120,
        "counted": False,
    }
    assert row.extra["indexed_ms"] == 40_410  # 44.900 x 0.9


@pytest.mark.usefixtures("entered")
def test_every_bad_line_is_reported_and_nothing_is_saved(
    runs_session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "runs.csv"
    path.write_bytes(
        runs_csv(
            "11,1,45.120,1,0,ok",
            "11,1,46.000,0,0,ok",  # line 3: run 1 of car 11 twice (reported on both lines)
            "12,4,46.000,0,0,ok",  # line 4: only 3 runs
            "99,1,46.000,0,0,ok",  # line 5: not entered
            "21,1,soon,0,0,ok",  # line 6: not a time
            "21,2,50.000,x,0,ok",  # line 7: cones not a number
            "21,3,50.000,0,0,spun",  # line 8: unknown status
            "12,1,,0,0,ok",  # line 9: an OK run needs a time
        )
    )
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("results_import", str(runs_session.pk), str(path))
    lines = sorted(
        int(text.split("line ")[1].split(":")[0])
        for text in capsys.readouterr().err.splitlines()
        if "line " in text
    )
    assert set(lines) == {2, 3, 4, 5, 6, 7, 8, 9}
    assert not TimedRun.objects.filter(session=runs_session).exists()
    assert not SessionResult.objects.filter(session=runs_session).exists()


def test_the_header_must_name_the_run_columns(runs_session: Session) -> None:
    imported = import_results_csv(
        session=runs_session, data=runs_csv("11,45.1", header="number,laptime")
    )
    assert [e.line for e in imported.errors] == [1, 1]
    assert "laptime" in imported.errors[0].message
    assert not TimedRun.objects.exists()


def test_an_unknown_session_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(GOOD)
    with pytest.raises(CommandError, match="no session"):
        call_command("results_import", "999999", str(path))
