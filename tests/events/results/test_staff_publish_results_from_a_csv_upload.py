"""Staff upload a results CSV; the results and the championship standings follow."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from events.models import ChampionshipStanding, Event, ResultRow, Session, SessionResult
from events.services.championships import add_round, create_championship
from tests.events.results.conftest import RACE_CSV

pytestmark = pytest.mark.django_db


def upload_url(event: Event, session: Session) -> str:
    return reverse(
        "events:results-upload",
        kwargs={"org_slug": event.organization.slug, "slug": event.slug, "session_id": session.pk},
    )


def post_csv(client: Client, url: str, data: bytes, **fields: Any) -> Any:
    return client.post(url, {"file": SimpleUploadedFile("results.csv", data), **fields})


def test_staff_upload_official_results_and_the_standings_update(
    client: Client, staff_member: Any, finished_event: Event, race: Session
) -> None:
    championship = create_championship(
        organization=finished_event.organization,
        name="Club Championship",
        season=2026,
        position_points=[10, 6, 4],
    )
    add_round(championship=championship, session=race)
    client.force_login(staff_member)
    response = post_csv(client, upload_url(finished_event, race), RACE_CSV, official="on")
    assert response.status_code == 302
    result = SessionResult.objects.get(session=race)
    assert result.is_official
    assert result.source == "csv"
    assert result.updated_by == staff_member
    assert [(r.position, r.car_number) for r in result.rows.all()] == [
        (1, "7"),
        (2, "23"),
        (3, "5"),
        (None, "11"),
    ]
    assert [(s.name, s.total) for s in ChampionshipStanding.objects.all()] == [
        ("Zhang Min", 10),
        ("Li Wei", 6),
        ("Wang Fang", 4),
        ("Chen Jie", 0),
    ]


def test_a_provisional_upload_can_be_made_official_by_staff(
    client: Client, organizer: Any, finished_event: Event, race: Session
) -> None:
    client.force_login(organizer)
    post_csv(client, upload_url(finished_event, race), RACE_CSV)
    result = SessionResult.objects.get(session=race)
    assert not result.is_official
    official_url = reverse(
        "events:results-official",
        kwargs={
            "org_slug": finished_event.organization.slug,
            "slug": finished_event.slug,
            "session_id": race.pk,
        },
    )
    assert client.post(official_url).status_code == 302
    result.refresh_from_db()
    assert result.is_official
    assert result.official_at is not None


def test_re_uploading_official_results_needs_a_reason(
    client: Client, staff_member: Any, finished_event: Event, race: Session
) -> None:
    client.force_login(staff_member)
    url = upload_url(finished_event, race)
    post_csv(client, url, RACE_CSV, official="on")
    corrected = RACE_CSV.replace(b"1,7,classified", b",7,DSQ")
    refused = post_csv(client, url, corrected, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert ResultRow.objects.get(car_number="7").position == 1
    accepted = post_csv(client, url, corrected, reason="Technical infringement")
    assert accepted.status_code == 302
    row = ResultRow.objects.get(car_number="7")
    assert (row.status, row.position) == ("dsq", None)
    assert SessionResult.objects.get(session=race).revisions.count() == 2
