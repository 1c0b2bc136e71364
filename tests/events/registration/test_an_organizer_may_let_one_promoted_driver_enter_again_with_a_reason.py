"""An organizer's documented exception lets one promoted driver enter the class again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from events.exceptions import NotEligible
from events.models import Entry, Event, PromotionWaiver, Session
from events.services.promotions import close_season
from racing.models import Organization
from tests.events.promotion_season import Season, entry_class, next_season_event, run_season

pytestmark = pytest.mark.django_db


@pytest.fixture
def season(
    organization: Organization,
    make_event: Callable[..., Event],
    make_session: Callable[..., Session],
    make_user: Callable[..., Any],
    organizer: Any,
) -> Season:
    season = run_season(
        organization=organization,
        make_event=make_event,
        make_session=make_session,
        make_user=make_user,
        rounds=[["Ann", "Bo", "Cai", "Dan"]],
    )
    close_season(championship=season.championship, by=organizer)
    return season


@pytest.fixture
def rookie(make_event: Callable[..., Event], organization: Organization) -> Any:
    return entry_class(next_season_event(make_event, organization), "Rookie")


def post(client: Any, season: Season, data: dict[str, Any]) -> Any:
    url = f"{season.championship.get_manage_url()}promotion-exceptions/"
    return client.post(url, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")


def line_of(season: Season, name: str) -> Any:
    return season.championship.standings.get(name=name)


def test_an_exception_with_a_reason_lets_that_driver_alone_enter_until_withdrawn(
    client: Any, staff_member: Any, season: Season, rookie: Any, register: Any
) -> None:
    client.force_login(staff_member)
    response = post(
        client,
        season,
        {"action": "grant", "standing": line_of(season, "Bo").pk, "reason": " Injured  all year "},
    )
    assert "Exception recorded" in response.content.decode()
    waiver = PromotionWaiver.objects.get()
    assert (waiver.driver, waiver.class_name, waiver.reason, waiver.granted_by) == (
        season.drivers["Bo"],
        "Rookie",
        "Injured all year",
        staff_member,
    )
    page = client.get(season.championship.get_manage_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Injured all year" in page.content.decode()

    assert register(season.drivers["Bo"], rookie).status == Entry.Status.CONFIRMED
    with pytest.raises(NotEligible):
        register(season.drivers["Ann"], rookie)

    post(client, season, {"action": "withdraw", "exception": waiver.pk})
    assert not PromotionWaiver.objects.exists()
    with pytest.raises(NotEligible):
        register(season.drivers["Cai"], rookie)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "grant", "reason": "Injured"}, "Choose a driver who must move up."),
        ({"action": "grant", "standing": "x", "reason": "Injured"}, "Choose a driver"),
        ({"action": "grant", "standing": "9" * 40, "reason": "Injured"}, "Choose a driver"),
        ({"action": "grant", "standing": "DAN", "reason": "   "}, "Choose a driver"),
        ({"action": "grant", "standing": "ANN", "reason": "   "}, "Give the reason"),
        ({"action": "grant", "standing": "ANN", "reason": "\x00\x00"}, "Give the reason"),
        ({"action": "grant", "standing": "ANN", "reason": "x" * 301}, "under 300 characters"),
        ({"action": "withdraw", "exception": "12ab"}, "This exception no longer exists."),
        ({"action": "withdraw", "exception": "999"}, "This exception no longer exists."),
        ({"action": "nothing"}, "Choose whether to grant or withdraw an exception."),
    ],
)
def test_bad_input_records_nothing_and_says_why(
    client: Any, staff_member: Any, season: Season, data: dict[str, Any], message: str
) -> None:
    ids = {"ANN": str(line_of(season, "Ann").pk), "DAN": str(line_of(season, "Dan").pk)}
    data = {key: ids.get(value, value) for key, value in data.items()}
    client.force_login(staff_member)
    response = post(client, season, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PromotionWaiver.objects.exists()


def test_another_organizations_staff_cannot_grant_one(
    client: Any, outsider: Any, season: Season
) -> None:
    client.force_login(outsider)
    response = post(
        client, season, {"action": "grant", "standing": line_of(season, "Ann").pk, "reason": "x"}
    )
    assert response.status_code == 404
    assert not PromotionWaiver.objects.exists()
