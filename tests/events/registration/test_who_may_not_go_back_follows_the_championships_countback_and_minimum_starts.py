"""Who is refused is exactly who the championship's own standings mark as moving up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from events.exceptions import NotEligible
from events.models import Entry, Event, Session
from events.services.promotions import close_season
from racing.models import Organization
from tests.events.promotion_season import Season, entry_class, next_season_event, run_season

pytestmark = pytest.mark.django_db


@pytest.fixture
def season_of(
    organization: Organization,
    make_event: Callable[..., Event],
    make_session: Callable[..., Session],
    make_user: Callable[..., Any],
    organizer: Any,
) -> Callable[..., Season]:
    def run(rounds: list[list[str]], **rule: int) -> Season:
        season = run_season(
            organization=organization,
            make_event=make_event,
            make_session=make_session,
            make_user=make_user,
            rounds=rounds,
            **rule,
        )
        close_season(championship=season.championship, by=organizer)
        return season

    return run


@pytest.fixture
def rookie(make_event: Callable[..., Event], organization: Organization) -> Any:
    return entry_class(next_season_event(make_event, organization), "Rookie")


def refused(season: Season, rookie: Any, register: Any) -> set[str]:
    names = set()
    for name, driver in season.drivers.items():
        try:
            register(driver, rookie)
        except NotEligible:
            names.add(name)
    return names


def marked(season: Season) -> set[str]:
    return set(season.championship.standings.filter(promoted=True).values_list("name", flat=True))


def test_a_tie_on_points_for_third_is_settled_by_countback(
    season_of: Callable[..., Season], rookie: Any, register: Any
) -> None:
    # Points 10, 8, 6, 5, 4: Ann 28, Bo 26, Cai 16 (two 3rd places), Dan 16 (one): Cai is 3rd.
    season = season_of(
        [
            ["Ann", "Bo", "Cai", "Dan", "Eve"],
            ["Ann", "Bo", "Dan", "Eve", "Cai"],
            ["Bo", "Ann", "Cai", "Dan", "Eve"],
        ]
    )
    assert refused(season, rookie, register) == {"Ann", "Bo", "Cai"} == marked(season)
    assert Entry.objects.filter(entry_class=rookie).count() == 2


def test_a_driver_short_of_the_minimum_starts_stays_and_a_dead_heat_for_third_moves_up_together(
    season_of: Callable[..., Season], rookie: Any, register: Any
) -> None:
    # Ann 18, Eve 11, then Fay, Bo, Dan and Cai on 10. Fay won a round but started only once;
    # Bo and Dan (a 3rd and a 5th each) cannot be separated; Cai (two 4ths) loses on countback.
    season = season_of(
        [["Fay", "Ann", "Bo", "Cai", "Dan", "Eve"], ["Ann", "Eve", "Dan", "Cai", "Bo"]],
        promote_min_rounds=2,
    )
    assert refused(season, rookie, register) == {"Ann", "Eve", "Bo", "Dan"} == marked(season)
