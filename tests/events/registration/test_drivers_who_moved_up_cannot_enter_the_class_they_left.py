"""Once the season is closed, the top 3 rookies may not enter Rookie again in a later season."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from events.exceptions import NotEligible
from events.models import Entry, Event, Session
from events.services.promotions import close_season, reopen_season
from racing.models import Organization
from tests.events.promotion_season import (
    Season,
    entry_class,
    next_season_event,
    run_season,
    season_year,
)

pytestmark = pytest.mark.django_db

ORDER = ["Ann", "Bo", "Cai", "Dan", "Eve"]


@pytest.fixture
def season(
    organization: Organization,
    make_event: Callable[..., Event],
    make_session: Callable[..., Session],
    make_user: Callable[..., Any],
) -> Season:
    # Ann 20, Bo 16, Cai 12 move up to Open; Dan 10 and Eve 8 stay.
    return run_season(
        organization=organization,
        make_event=make_event,
        make_session=make_session,
        make_user=make_user,
        rounds=[ORDER, ORDER],
    )


@pytest.fixture
def next_event(make_event: Callable[..., Event], organization: Organization) -> Event:
    event = next_season_event(make_event, organization)
    entry_class(event, "Rookie")
    entry_class(event, "Open")
    return event


def refusal(register: Any, driver: Any, event: Event, class_name: str) -> str:
    with pytest.raises(NotEligible) as caught:
        register(driver, event.entry_classes.get(name=class_name))
    return str(caught.value)


def test_the_top_three_are_refused_in_rookie_with_the_reason_and_accepted_in_open(
    season: Season, next_event: Event, register: Any, organizer: Any
) -> None:
    close_season(championship=season.championship, by=organizer)
    year = season_year()
    for name in ("Ann", "Bo", "Cai"):
        driver = season.drivers[name]
        with translation.override("en"):
            assert refusal(register, driver, next_event, "Rookie") == (
                f"You finished in the top 3 of Rookie in the {year} season of Club Championship "
                "and must move up to Open."
            )
        with translation.override("zh-hans"):
            assert refusal(register, driver, next_event, "Rookie") == (
                f"你在Club Championship {year} 赛季的Rookie组获得前3名，必须升入Open组。"
            )
        entry = register(driver, next_event.entry_classes.get(name="Open"))
        assert entry.status == Entry.Status.CONFIRMED
    assert not Entry.objects.filter(entry_class__name="Rookie").exists()


def test_the_fourth_and_fifth_may_enter_rookie_again(
    season: Season, next_event: Event, register: Any, organizer: Any
) -> None:
    close_season(championship=season.championship, by=organizer)
    for name in ("Dan", "Eve"):
        entry = register(season.drivers[name], next_event.entry_classes.get(name="Rookie"))
        assert entry.status == Entry.Status.CONFIRMED


def test_nobody_is_refused_before_the_season_is_closed_nor_after_it_is_reopened(
    season: Season, next_event: Event, register: Any, organizer: Any
) -> None:
    rookie = next_event.entry_classes.get(name="Rookie")
    assert register(season.drivers["Ann"], rookie).status == Entry.Status.CONFIRMED

    close_season(championship=season.championship, by=organizer)
    with pytest.raises(NotEligible):
        register(season.drivers["Bo"], rookie)

    reopen_season(championship=season.championship)
    assert register(season.drivers["Bo"], rookie).status == Entry.Status.CONFIRMED


def test_the_class_is_matched_by_name_ignoring_case_and_spacing(
    season: Season,
    make_event: Callable[..., Event],
    organization: Organization,
    register: Any,
    organizer: Any,
) -> None:
    close_season(championship=season.championship, by=organizer)
    event = next_season_event(make_event, organization, slug="spaced")
    rookies = entry_class(event, "  ROOKIE ")
    with pytest.raises(NotEligible):
        register(season.drivers["Ann"], rookies)


def test_an_event_of_the_same_season_is_not_affected(
    season: Season,
    make_event: Callable[..., Event],
    organization: Organization,
    register: Any,
    organizer: Any,
) -> None:
    from datetime import timedelta

    from tests.events.conftest import local

    close_season(championship=season.championship, by=organizer)
    # A year-end event of the closed season itself, entered on a day when it was open.
    starts_at = local(season_year(), 12, 20, 9)
    event = make_event(title="Year-end", slug="year-end", starts_at=starts_at)
    rookie = entry_class(event, "Rookie")
    entry = register(season.drivers["Ann"], rookie, now=starts_at - timedelta(days=10))
    assert entry.status == Entry.Status.CONFIRMED


def test_another_organizations_rookie_class_is_not_affected(
    season: Season,
    make_event: Callable[..., Event],
    other_organization: Organization,
    register: Any,
    organizer: Any,
) -> None:
    close_season(championship=season.championship, by=organizer)
    event = next_season_event(make_event, other_organization, slug="rival-opener")
    entry = register(season.drivers["Ann"], entry_class(event, "Rookie"))
    assert entry.status == Entry.Status.CONFIRMED


def test_the_entry_form_shows_the_reason_in_chinese(
    season: Season, next_event: Event, client: Any, organizer: Any
) -> None:
    close_season(championship=season.championship, by=organizer)
    rookie = next_event.entry_classes.get(name="Rookie")
    client.force_login(season.drivers["Cai"])

    response = client.post(
        f"/events/{next_event.slug}/enter/",
        {"entry_class": f"{rookie.pk}:0", "event_sequence": next_event.sequence},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 400
    assert "必须升入Open组" in response.content.decode()
    assert not Entry.objects.exists()


def test_a_champion_without_a_named_next_class_is_told_to_move_up_to_another_class(
    organization: Organization,
    make_event: Callable[..., Event],
    make_session: Callable[..., Session],
    make_user: Callable[..., Any],
    next_event: Event,
    register: Any,
    organizer: Any,
) -> None:
    season = run_season(
        organization=organization,
        make_event=make_event,
        make_session=make_session,
        make_user=make_user,
        rounds=[ORDER],
        promote_top=1,
        promote_to="",
        name="Winter Series",
    )
    close_season(championship=season.championship, by=organizer)
    with translation.override("en"):
        assert refusal(register, season.drivers["Ann"], next_event, "Rookie") == (
            f"You were the top driver of Rookie in the {season_year()} season of Winter Series "
            "and must move up to another class."
        )
    assert register(season.drivers["Bo"], next_event.entry_classes.get(name="Rookie"))
