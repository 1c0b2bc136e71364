"""Live regularity standings (controls not yet reached are not counted) and a crew's page that
shows ideal, actual, difference and how each penalty came about; secret checks stay hidden
until passed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.urls import reverse

from events.models import Control, Route, Stamp
from events.queries.regularity import scoreboard


def stamp(control: Control, number: int, seconds: float) -> None:
    due = control.route.standard_start + timedelta(minutes=number)  # car N starts N minutes later
    Stamp.objects.create(
        control=control, car_number=number, at=due + timedelta(seconds=seconds), source="tap"
    )


def test_standings_rank_the_crews_after_each_control(
    rally: Route, control: Callable[[str], Control]
) -> None:
    for number in (1, 2, 3):
        stamp(control("S"), number, 0)
    # SC1 is due 15 minutes after the start (12 km at 48 km/h).
    stamp(control("SC1"), 1, 15 * 60 + 4)  # 4 s late
    stamp(control("SC1"), 2, 15 * 60 - 1)  # 1 s early
    board = scoreboard(rally, final=False)
    order = [(s.position, s.crew.number, str(s.crew.penalty)) for s in board.standings]
    assert order == [(1, 3, "0.0"), (2, 2, "1.0"), (3, 1, "4.0")]
    final = scoreboard(rally, final=True)
    assert all(s.crew.penalty >= 60 for s in final.standings)  # missed TC1 and F, 30 each


def test_the_crew_page_explains_each_penalty(
    client: Client, rally: Route, control: Callable[[str], Control]
) -> None:
    stamp(control("S"), 2, 0)
    stamp(control("SC1"), 2, 15 * 60 + 7.5)
    event = rally.session.event
    standings = client.get(
        reverse(
            "events:regularity-standings",
            kwargs={"slug": event.slug, "session_id": rally.session_id},
        )
    )
    assert standings.status_code == 200
    url = reverse(
        "events:crew-detail",
        kwargs={"slug": event.slug, "session_id": rally.session_id, "number": 2},
    )
    assert url in standings.content.decode()
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "SC1" in page and "+0:00:07" in page
    assert "7 s late × 1" in page
    unknown = reverse(
        "events:crew-detail",
        kwargs={"slug": event.slug, "session_id": rally.session_id, "number": 99},
    )
    assert client.get(unknown).status_code == 404


def test_the_standings_speak_chinese_by_default(rally: Route) -> None:
    event = rally.session.event
    url = reverse(
        "events:regularity-standings", kwargs={"slug": event.slug, "session_id": rally.session_id}
    )
    page = Client().get(url).content.decode()
    assert "匀速赛排名" in page and "罚分" in page


def test_a_secret_check_stays_hidden_from_a_crew_that_has_not_passed_it(
    client: Client, rally: Route, control: Callable[[str], Control]
) -> None:
    stamp(control("S"), 3, 0)
    event = rally.session.event
    url = reverse(
        "events:crew-detail",
        kwargs={"slug": event.slug, "session_id": rally.session_id, "number": 3},
    )
    page = client.get(url).content.decode()
    assert "TC1" in page and "SC1" not in page
