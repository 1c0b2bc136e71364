"""The demo driver holds a karting licence issued on the spot and a team licence; the demo has a
rookie class that accepts such licences for the first events and a class that needs a team
licence. The licence page and the class pages show them, and the rules really apply."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.crypto import lookup_hash
from racing.demo.registry import (
    DRIVER_EMAIL,
    ON_THE_SPOT_NUMBER,
    ORGANIZER_EMAIL,
    TEAM_LICENCE_NUMBER,
)
from racing.models import CompetitionClass, DriverProfile, Licence
from racing.services.eligibility import check_driver_for_class

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())


@pytest.mark.usefixtures("demo")
def test_the_demo_driver_holds_both_licences_once() -> None:
    profile = DriverProfile.objects.get(user__email=DRIVER_EMAIL)
    spot = profile.licences.get(number_hash=lookup_hash(ON_THE_SPOT_NUMBER))
    assert spot.issued_on_the_spot and spot.discipline == "karting"
    team = profile.licences.get(number_hash=lookup_hash(TEAM_LICENCE_NUMBER))
    assert team.kind == "team" and team.team_name and team.grade is None
    assert Licence.objects.filter(profile=profile).count() == 3
    for licence in profile.licences.all():
        licence.full_clean()


@pytest.mark.usefixtures("demo")
def test_the_licence_page_and_the_class_pages_show_them(client: Client) -> None:
    User = get_user_model()
    client.force_login(User.objects.get(email=DRIVER_EMAIL))
    page = client.get(reverse("racing:licence-list"), **EN).text
    assert ON_THE_SPOT_NUMBER in page and "issued on the spot" in page
    assert TEAM_LICENCE_NUMBER in page

    client.force_login(User.objects.get(email=ORGANIZER_EMAIL))
    karting = client.get(reverse("racing:class-list", args=["pearl-river-karting"]), **EN).text
    rookie = reverse("racing:class-detail", args=["pearl-river-karting", "rookie-karting"])
    assert rookie in karting
    page = client.get(rookie, **EN).text
    assert "Rookie class" in page
    assert "Licences issued on the spot accepted for the holder&#x27;s first 3 event(s)" in page
    club = client.get(reverse("racing:class-list", args=["shanghai-motor-club"]), **EN).text
    team = reverse("racing:class-detail", args=["shanghai-motor-club", "team-endurance"])
    assert team in club
    page = client.get(team, **EN).text
    assert "A team licence valid on the event date is required" in page


@pytest.mark.usefixtures("demo")
def test_the_demo_driver_may_enter_the_rookie_and_the_team_classes() -> None:
    profile = DriverProfile.objects.get(user__email=DRIVER_EMAIL)
    today = timezone.localdate()
    rookie = CompetitionClass.objects.get(slug="rookie-karting")
    assert (
        check_driver_for_class(
            competition_class=rookie, profile=profile, vehicle=None, event_date=today
        )
        == []
    )
    team = CompetitionClass.objects.get(slug="team-endurance")
    assert (
        check_driver_for_class(
            competition_class=team, profile=profile, vehicle=None, event_date=today
        )
        == []
    )
    # Without the team licence, the team class refuses the driver.
    profile.licences.filter(number_hash=lookup_hash(TEAM_LICENCE_NUMBER)).delete()
    failures = check_driver_for_class(
        competition_class=team, profile=profile, vehicle=None, event_date=today
    )
    assert [f.code for f in failures] == ["team_licence.missing"]
