"""Fans see classification, charts and standings, in Chinese and in English, with no scripts."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Event, Session
from events.services.championships import add_round, create_championship
from events.services.results import LapLine, publish_results, replace_laps
from tests.events.results.conftest import line

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(finished_event: Event, race: Session) -> None:
    publish_results(
        session=race,
        source="csv",
        official=True,
        lines=[
            line(
                "7",
                1,
                driver_name="张敏",
                laps=3,
                total_ms=270_000,
                best_lap_ms=89_100,
                best_lap_no=2,
            ),
            line(
                "23",
                2,
                driver_name="Li Wei",
                laps=3,
                total_ms=271_250,
                best_lap_ms=89_900,
                best_lap_no=3,
            ),
            line("5", 3, driver_name="Wang Fang", laps=2, total_ms=200_000, penalty_positions=0),
            line("11", driver_name="Chen Jie", laps=1),
        ],
    )
    replace_laps(
        session=race,
        laps=[
            LapLine("7", 1, 2, 91_000),
            LapLine("7", 2, 1, 89_100),
            LapLine("7", 3, 1, 89_900),
            LapLine("23", 1, 1, 90_500),
            LapLine("23", 2, 2, 90_000),
            LapLine("23", 3, 2, 89_900),
            LapLine("5", 1, 3, 99_000),
            LapLine("5", 2, 3, 101_000),
        ],
    )
    championship = create_championship(
        organization=finished_event.organization,
        name="Shanghai Club Championship",
        slug="shanghai-club-2026",
        season=2026,
        position_points=[25, 18, 15],
    )
    add_round(championship=championship, session=race)


def get(client: Client, url: str, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert not re.search(r"<script[^>]*\bsrc=", page), "no external scripts"
    return page


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Results", "Official", "Lap chart", "Lap times", "+1.250", "+1 lap", "DNF"]),
        ("zh-hans", ["成绩", "正式", "圈位图", "单圈时间", "+1.250", "+1 圈", "DNF"]),
    ],
)
def test_the_session_page_shows_the_classification_and_two_svg_charts(
    client: Client, finished_event: Event, race: Session, language: str, words: list[str]
) -> None:
    page = get(
        client, reverse("events:session-results", args=[finished_event.slug, race.pk]), language
    )
    for word in words:
        assert word in page, word
    assert (
        page.index("张敏") < page.index("Li Wei") < page.index("Wang Fang") < page.index("Chen Jie")
    )
    assert page.count("<svg") == 2
    assert page.count("<polyline") == 6
    assert "1:29.100" in page


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize(("language", "word"), [("en", "Points"), ("zh-hans", "积分")])
def test_the_standings_page_shows_points_in_both_languages(
    client: Client, language: str, word: str
) -> None:
    page = get(client, reverse("events:championship-detail", args=["shanghai-club-2026"]), language)
    assert word in page
    assert re.search(r"张敏</a>|张敏\s", page)
    assert "<strong>25</strong>" in page and "<strong>18</strong>" in page


@pytest.mark.usefixtures("published")
def test_the_event_results_and_championship_list_link_through(
    client: Client, finished_event: Event, race: Session
) -> None:
    page = get(client, reverse("events:event-results", args=[finished_event.slug]), "en")
    assert reverse("events:session-results", args=[finished_event.slug, race.pk]) in page
    listing = get(client, reverse("events:championship-list"), "en")
    assert reverse("events:championship-detail", args=["shanghai-club-2026"]) in listing


@pytest.mark.usefixtures("published")
def test_the_print_version_and_the_csv_export(
    client: Client, finished_event: Event, race: Session
) -> None:
    page = get(
        client, reverse("events:session-results-print", args=[finished_event.slug, race.pk]), "en"
    )
    assert "OFFICIAL RESULTS" in page and "print-page" in page
    response = client.get(
        reverse("events:session-results-csv", args=[finished_event.slug, race.pk])
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffposition,car,status")
    lines = text.strip().splitlines()
    assert lines[1].startswith("1,7,classified,张敏")
    assert ",'+1.250," in lines[2]
    assert lines[4].startswith(",11,dnf,Chen Jie")


def test_results_of_a_draft_event_and_unknown_sessions_are_404(
    client: Client, make_event: object, make_session: object, finished_event: Event, race: Session
) -> None:
    draft = make_event(status=Event.Status.DRAFT, slug="draft-cup")  # type: ignore[operator]
    draft_race = make_session(draft)  # type: ignore[operator]
    publish_results(session=draft_race, source="typed", lines=[line("1", 1)])
    assert (
        client.get(reverse("events:session-results", args=["draft-cup", draft_race.pk])).status_code
        == 404
    )
    assert client.get(reverse("events:event-results", args=["draft-cup"])).status_code == 404
    assert (
        client.get(
            reverse("events:session-results", args=[finished_event.slug, draft_race.pk])
        ).status_code
        == 404
    )
    assert client.get(reverse("events:event-results", args=["no-such-event"])).status_code == 404
    assert (
        client.get(
            reverse("events:session-results-csv", args=[finished_event.slug, race.pk])
        ).status_code
        == 404
    )


def test_a_multi_class_race_shows_positions_in_class_and_qualifying_gaps_by_best_lap(
    client: Client, finished_event: Event, race: Session, qualifying: Session
) -> None:
    publish_results(
        session=race,
        source="csv",
        lines=[
            line("7", 1, class_name="Pro"),
            line("23", 2, class_name="Rookie"),
            line("5", 3, class_name="Rookie"),
        ],
    )
    page = get(client, reverse("events:session-results", args=[finished_event.slug, race.pk]), "en")
    assert "In class" in page
    cells = re.findall(
        r'<td class="num">(\d*)</td>\s*<td class="num">\d*</td>\s*<td class="num">', page
    )
    assert cells[:3] == ["1", "1", "2"]
    result = publish_results(
        session=qualifying,
        source="csv",
        lines=[line("7", 1, best_lap_ms=89_100), line("23", 2, best_lap_ms=89_600)],
    )
    assert result.rows.get(car_number="23").gap_ms == 500
