"""A driver records a team licence (with the team's name) or a licence issued on the spot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from racing.models import Licence, LicenceKind
from racing.services.drivers import verify_licence
from tests.racing.factories import make_licence, make_profile
from tests.racing.test_licence_pages import licence_data

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def team_data(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": "team",
        "team_name": "Dragon Racing",
        "grade": "",
        "number": "CAMF-T-0088",
        "medical_valid_to": "",
    }
    values.update(overrides)
    return licence_data(**values)


def test_a_driver_adds_a_team_licence_without_a_grade(client: Client, driver: Any) -> None:
    make_profile(driver)
    client.force_login(driver)
    response = client.post(reverse("racing:licence-create"), team_data())
    assert response.status_code == 302
    licence = Licence.objects.get()
    assert (licence.kind, licence.team_name, licence.grade) == ("team", "Dragon Racing", None)
    assert licence.as_eligibility().kind == "team"
    page = client.get(reverse("racing:licence-list")).content.decode()
    assert "车队执照" in page and "Dragon Racing" in page


def test_a_licence_posted_without_a_kind_is_a_competition_licence(
    client: Client, driver: Any
) -> None:
    make_profile(driver)
    client.force_login(driver)
    client.post(reverse("racing:licence-create"), licence_data())
    assert Licence.objects.get().kind == LicenceKind.COMPETITION


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"team_name": "  "}, "Give the name of the team that holds this licence."),
        (
            {"issued_on_the_spot": "on"},
            "Only a competition licence is marked as issued on the spot.",
        ),
        ({"kind": "club"}, "Select a valid choice."),
    ],
)
def test_a_team_licence_that_makes_no_sense_is_refused(
    client: Client, driver: Any, overrides: dict[str, str], message: str
) -> None:
    make_profile(driver)
    client.force_login(driver)
    response = client.post(reverse("racing:licence-create"), team_data(**overrides), **EN)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Licence.objects.exists()


def test_a_team_licence_with_a_grade_is_refused(client: Client, driver: Any) -> None:
    make_profile(driver)
    client.force_login(driver)
    graded = team_data(grade=licence_data()["grade"])
    response = client.post(reverse("racing:licence-create"), graded, **EN)
    assert response.status_code == 400
    assert "A team licence has no grade: leave it empty." in response.content.decode()


def test_a_licence_issued_on_the_spot_is_recorded_and_shown(client: Client, driver: Any) -> None:
    make_profile(driver)
    client.force_login(driver)
    response = client.post(
        reverse("racing:licence-create"),
        licence_data(grade="", is_temporary="on", issued_on_the_spot="on"),
    )
    assert response.status_code == 302
    licence = Licence.objects.get()
    assert licence.issued_on_the_spot and licence.as_eligibility().on_the_spot
    assert "现场签发" in client.get(reverse("racing:licence-list")).content.decode()


def test_marking_a_verified_licence_as_issued_on_the_spot_withdraws_the_verification(
    client: Client, driver: Any, organizer: Any
) -> None:
    licence = make_licence(make_profile(driver))
    verify_licence(licence=licence, verified_by=organizer)
    client.force_login(driver)
    client.post(
        reverse("racing:licence-edit", args=[licence.pk]),
        licence_data(number=licence.number, issued_on_the_spot="on"),
    )
    licence.refresh_from_db()
    assert licence.issued_on_the_spot and licence.verified_at is None
