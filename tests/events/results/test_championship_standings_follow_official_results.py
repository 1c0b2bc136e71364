"""Championship standings are recomputed whenever official results are published or corrected."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from events.models import Championship, ChampionshipStanding, Event, Session
from events.services.championships import add_round, create_championship, set_classes
from events.services.results import make_results_official, publish_results
from racing.models import Organization
from tests.events.results.conftest import line

pytestmark = pytest.mark.django_db


@pytest.fixture
def championship(organization: Organization) -> Championship:
    return create_championship(
        organization=organization,
        name="Shanghai Club Championship",
        season=2026,
        position_points=[10, 6, 4],
        pole_points=1,
        fastest_lap_points=1,
        class_names=["Rookie", "Pro"],
    )


def table(championship: Championship, class_name: str) -> list[tuple[int, str, int]]:
    return [
        (s.position, s.name, s.total)
        for s in ChampionshipStanding.objects.filter(
            championship=championship, class_name=class_name
        )
    ]


def test_official_results_score_by_class_with_pole_and_fastest_lap(
    championship: Championship, race: Session, qualifying: Session
) -> None:
    add_round(championship=championship, session=race, qualifying_session=qualifying)
    publish_results(
        session=qualifying,
        source="typed",
        official=True,
        lines=[
            line("23", 1, driver_name="Li Wei", class_name="Rookie"),
            line("7", 2, driver_name="Zhang Min", class_name="rookie"),
            line("5", 3, driver_name="Wang Fang", class_name="Pro"),
        ],
    )
    publish_results(
        session=race,
        source="typed",
        official=True,
        lines=[
            line("7", 1, driver_name="Zhang Min", class_name="Rookie", best_lap_ms=89_000),
            line("5", 2, driver_name="Wang Fang", class_name="Pro", best_lap_ms=90_000),
            line("23", 3, driver_name="Li Wei", class_name="Rookie", best_lap_ms=88_500),
            line("99", 4, driver_name="Guest", class_name="Invitational"),
        ],
    )
    # Zhang: win 10. Li: 2nd in class 6 + pole 1 + fastest lap 1. Wang: Pro win 10 + pole + FL.
    assert table(championship, "Rookie") == [(1, "Zhang Min", 10), (2, "Li Wei", 8)]
    assert table(championship, "Pro") == [(1, "Wang Fang", 12)]
    assert not ChampionshipStanding.objects.filter(name="Guest").exists()


def test_provisional_results_do_not_count_until_made_official(
    championship: Championship, race: Session
) -> None:
    add_round(championship=championship, session=race)
    result = publish_results(session=race, source="csv", lines=[line("7", 1, class_name="Rookie")])
    assert not ChampionshipStanding.objects.exists()
    make_results_official(result=result)
    assert table(championship, "Rookie") == [(1, "Driver 7", 10)]


def test_a_correction_changes_the_standings(championship: Championship, race: Session) -> None:
    add_round(championship=championship, session=race)
    publish_results(
        session=race,
        source="csv",
        official=True,
        lines=[line("7", 1, class_name="Rookie"), line("23", 2, class_name="Rookie")],
    )
    publish_results(
        session=race,
        source="typed",
        reason="Car 7 disqualified: fuel sample",
        lines=[line("7", status="dsq", class_name="Rookie"), line("23", 1, class_name="Rookie")],
    )
    assert table(championship, "Rookie") == [(1, "Driver 23", 10), (2, "Driver 7", 0)]


def test_rounds_span_events_of_every_tier_and_drivers_are_matched_across_them(
    championship: Championship,
    race: Session,
    make_event: Callable[..., Event],
    make_session: Callable[..., Session],
) -> None:
    karting = make_event(tier="karting", starts_at=race.starts_at + timedelta(days=14))
    kart_race = make_session(karting, name="Final")
    set_classes(championship=championship, classes=[])
    add_round(championship=championship, session=race)
    add_round(championship=championship, session=kart_race)
    publish_results(
        session=race,
        source="csv",
        official=True,
        lines=[line("7", 1, driver_name="Zhang Min"), line("23", 2, driver_name="Li Wei")],
    )
    publish_results(
        session=kart_race,
        source="csv",
        official=True,
        lines=[line("41", 1, driver_name="li  wei"), line("3", 2, driver_name="Zhang Min")],
    )
    rows = list(ChampionshipStanding.objects.filter(championship=championship))
    assert [(row.position, row.total, row.tied) for row in rows] == [(1, 16, True), (1, 16, True)]
    assert len(rows[0].scores) == 2


def test_a_session_of_another_organization_cannot_be_a_round(
    championship: Championship,
    other_organization: Organization,
    make_event: Callable[..., Event],
    make_session: Callable[..., Session],
) -> None:
    rival_session = make_session(make_event(organization=other_organization))
    with pytest.raises(ValidationError):
        add_round(championship=championship, session=rival_session)
    assert not championship.rounds.exists()


def test_promotion_is_shown_on_the_standings(championship: Championship, race: Session) -> None:
    set_classes(
        championship=championship,
        classes=[{"name": "Rookie", "promote_top": 1, "promote_to": "Pro"}],
    )
    add_round(championship=championship, session=race)
    publish_results(
        session=race,
        source="csv",
        official=True,
        lines=[line("7", 1, class_name="Rookie"), line("23", 2, class_name="Rookie")],
    )
    flags = {
        s.name: (s.promoted, s.promoted_to)
        for s in ChampionshipStanding.objects.filter(championship=championship)
    }
    assert flags == {"Driver 7": (True, "Pro"), "Driver 23": (False, "")}
