"""A bad CSV is refused line by line, in the reader's language, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from events.models import Event, ResultRow, Session
from events.services.results import publish_results
from tests.events.results.conftest import csv_bytes, line

pytestmark = pytest.mark.django_db

BAD_CSV = csv_bytes(
    "1,7,classified,Zhang Min,,Rookie,12,18:01.250,1:29.100,5",
    "1,23,classified,Li Wei,,Rookie,12,18:03.500,1:29.050,7",
    "3,5,classified,Wang Fang,,Pro,12,18:xx.000,1:29.900,3",
)


@pytest.fixture
def published(race: Session) -> None:
    publish_results(
        session=race, source="typed", official=True, lines=[line("7", 1), line("23", 2)]
    )


def upload(client: Client, event: Event, session: Session, data: bytes, language: str) -> Any:
    client.cookies["django_language"] = language
    url = reverse(
        "events:results-upload",
        kwargs={"org_slug": event.organization.slug, "slug": event.slug, "session_id": session.pk},
    )
    return client.post(
        url,
        {"file": SimpleUploadedFile("r.csv", data), "reason": "Recount"},
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.mark.usefixtures("published")
def test_the_errors_name_each_line_in_english(
    client: Client, staff_member: Any, finished_event: Event, race: Session
) -> None:
    client.force_login(staff_member)
    response = upload(client, finished_event, race, BAD_CSV, "en")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert "Line 4: Total time “18:xx.000” is not a time" in page
    assert [(r.car_number, r.position, r.driver_name) for r in ResultRow.objects.all()] == [
        ("7", 1, "Driver 7"),
        ("23", 2, "Driver 23"),
    ]


@pytest.mark.usefixtures("published")
def test_duplicate_positions_are_refused_in_chinese(
    client: Client, staff_member: Any, finished_event: Event, race: Session
) -> None:
    client.force_login(staff_member)
    data = BAD_CSV.replace(b"18:xx.000", b"18:10.000")
    response = upload(client, finished_event, race, data, "zh-hans")
    assert response.status_code == 400
    page = response.content.decode()
    assert "没有保存任何内容" in page
    assert "第 2 行" in page and "第 3 行" in page
    assert "名次 1 重复" in page
    assert ResultRow.objects.get(car_number="7").driver_name == "Driver 7"
    assert not ResultRow.objects.filter(car_number="5").exists()
