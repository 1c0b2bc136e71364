"""`manage.py results_import <session> FILE` reads a race session's CSV in the race columns."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from events.models import Session, SessionResult
from tests.events.results.conftest import RACE_CSV

pytestmark = pytest.mark.django_db


def test_a_race_session_still_reads_the_race_columns(race: Session, tmp_path: Path) -> None:
    path = tmp_path / "race.csv"
    path.write_bytes(RACE_CSV)
    call_command("results_import", str(race.pk), str(path), "--official")
    result = SessionResult.objects.get(session=race)
    assert result.is_official
    assert [r.car_number for r in result.rows.all()] == ["7", "23", "5", "11"]
