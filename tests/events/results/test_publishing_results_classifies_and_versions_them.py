"""publish_results: the one service that every source of results goes through."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from events.models import ResultRevision, Session, SessionResult
from events.services.results import (
    ResultsError,
    make_results_official,
    publish_results,
)
from tests.events.results.conftest import line

pytestmark = pytest.mark.django_db


def positions(result: SessionResult) -> list[tuple[str, int | None]]:
    return [(row.car_number, row.position) for row in result.rows.all()]


def test_provisional_results_are_stored_with_penalties_applied(race: Session) -> None:
    result = publish_results(
        session=race,
        source="typed",
        lines=[
            line(
                "7", 1, laps=10, total_ms=600_000, penalty_ms=5_000, penalty_reason="Track limits"
            ),
            line("23", 2, laps=10, total_ms=603_000),
            line("5", 3, laps=10, total_ms=620_000),
            line("11", laps=3),
        ],
    )
    assert result.state == SessionResult.State.PROVISIONAL
    assert result.official_at is None
    assert positions(result) == [("23", 1), ("7", 2), ("5", 3), ("11", None)]
    penalised = result.rows.get(car_number="7")
    assert (penalised.finish_position, penalised.total_ms, penalised.gap_ms) == (1, 605_000, 2_000)
    assert not ResultRevision.objects.exists()


def test_making_results_official_stamps_the_time_and_keeps_revision_one(race: Session) -> None:
    result = publish_results(session=race, source="typed", lines=[line("7", 1)])
    with time_machine.travel(datetime(2026, 5, 3, 8, 30, tzinfo=UTC), tick=False):
        result = make_results_official(result=result)
    assert result.state == SessionResult.State.OFFICIAL
    assert result.official_at == datetime(2026, 5, 3, 8, 30, tzinfo=UTC)
    revision = result.revisions.get()
    assert revision.number == 1
    assert revision.rows[0]["car_number"] == "7"
    assert make_results_official(result=result).revision == 1


def test_a_correction_after_publication_needs_a_reason_and_keeps_the_earlier_rows(
    race: Session, english: None
) -> None:
    publish_results(session=race, source="csv", official=True, lines=[line("7", 1), line("23", 2)])
    with pytest.raises(ResultsError, match="reason for the correction"):
        publish_results(session=race, source="typed", lines=[line("23", 1), line("7", 2)])
    result = publish_results(
        session=race,
        source="typed",
        lines=[line("23", 1), line("7", status="dsq")],
        reason="Car 7 underweight at scrutineering",
    )
    assert positions(result) == [("23", 1), ("7", None)]
    assert result.is_official
    first, second = result.revisions.order_by("number")
    assert [row["car_number"] for row in first.rows] == ["7", "23"]
    assert second.reason == "Car 7 underweight at scrutineering"
    assert second.rows[1]["status"] == "dsq"


def test_bad_lines_are_refused_each_with_its_index_and_nothing_is_saved(
    race: Session, english: None
) -> None:
    with pytest.raises(ResultsError) as error:
        publish_results(
            session=race,
            source="typed",
            lines=[
                line("7", 1),
                line("23", 1),
                line("7", 3),
                line("9", 4, penalty_positions=1),
                line("4", laps=3, best_lap_no=5),
            ],
        )
    messages = {(e.index, e.message) for e in error.value.errors}
    assert (1, "Position 1 is given twice.") in messages
    assert (2, "Car 7 appears more than once.") in messages
    assert (3, "Give the reason for the penalty.") in messages
    assert (4, "The best lap number is greater than the laps completed.") in messages
    assert not SessionResult.objects.exists()


def test_an_empty_result_is_refused(race: Session, english: None) -> None:
    with pytest.raises(ResultsError) as error:
        publish_results(session=race, source="typed", lines=[])
    assert [e.message for e in error.value.errors] == ["There are no result lines."]


def test_an_earlier_revision_can_be_read_on_the_public_page(
    client: Any, finished_event: Any, race: Session
) -> None:
    publish_results(session=race, source="csv", official=True, lines=[line("7", 1), line("23", 2)])
    publish_results(
        session=race,
        source="typed",
        lines=[line("23", 1), line("7", status="dsq")],
        reason="Fuel sample",
    )
    url = reverse("events:session-results", args=[finished_event.slug, race.pk])
    current = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Fuel sample" in current and "?revision=1" in current
    first = client.get(url + "?revision=1", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You are looking at revision 1" in first
    assert first.index("Driver 7") < first.index("Driver 23")
    assert "DSQ" not in first
    assert client.get(url + "?revision=9").status_code == 404
