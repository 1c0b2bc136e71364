"""An organizer sets up a championship through its pages: scale, classes, rounds; standings follow."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Championship, ChampionshipStanding, Event, Session
from events.services.results import publish_results
from tests.events.results.conftest import line

pytestmark = pytest.mark.django_db


def test_create_configure_add_rounds_and_see_the_standings(
    client: Client, organizer: Any, finished_event: Event, race: Session, qualifying: Session
) -> None:
    org = finished_event.organization.slug
    publish_results(
        session=race,
        source="csv",
        official=True,
        lines=[line("7", 1, class_name="Rookie"), line("23", 2, class_name="Pro")],
    )
    client.force_login(organizer)
    response = client.post(
        reverse("events:championship-manage-list", kwargs={"org_slug": org}),
        {
            "name": "Club Championship",
            "season": "2026",
            "is_public": "on",
            "position_points": "25，18, 15",
            "pole_points": "1",
            "fastest_lap_points": "0",
            "fastest_lap_top": "0",
            "finishing_points": "2",
            "starting_points": "0",
            "drop_worst": "0",
        },
    )
    assert response.status_code == 302
    championship = Championship.objects.get()
    assert championship.position_points == [25, 18, 15]
    manage = reverse(
        "events:championship-manage", kwargs={"org_slug": org, "slug": championship.slug}
    )
    assert response["Location"] == manage

    form = {
        "name": "Club Championship",
        "season": "2026",
        "is_public": "on",
        "position_points": "25, 18, 15",
        "pole_points": "1",
        "fastest_lap_points": "0",
        "fastest_lap_top": "0",
        "finishing_points": "2",
        "starting_points": "0",
        "drop_worst": "0",
        "classes-TOTAL_FORMS": "2",
        "classes-INITIAL_FORMS": "0",
        "classes-MIN_NUM_FORMS": "0",
        "classes-MAX_NUM_FORMS": "1000",
        "classes-0-name": "Rookie",
        "classes-0-promote_top": "3",
        "classes-0-promote_to": "Pro",
        "classes-0-promote_min_rounds": "0",
        "classes-1-name": "Pro",
        "classes-1-promote_top": "0",
        "classes-1-promote_to": "",
        "classes-1-promote_min_rounds": "0",
    }
    assert client.post(manage, form).status_code == 302
    assert [c.name for c in championship.classes.all()] == ["Rookie", "Pro"]

    add = reverse(
        "events:championship-round-add", kwargs={"org_slug": org, "slug": championship.slug}
    )
    assert (
        client.post(add, {"session": race.pk, "qualifying_session": qualifying.pk}).status_code
        == 302
    )
    assert (
        client.post(add, {"session": race.pk}).status_code == 302
    )  # twice: refused with a message
    assert championship.rounds.count() == 1

    standings = {
        (s.class_name, s.name): (s.total, s.promoted) for s in ChampionshipStanding.objects.all()
    }
    assert standings == {("Rookie", "Driver 7"): (27, True), ("Pro", "Driver 23"): (27, False)}

    round_id = championship.rounds.get().pk
    remove = reverse(
        "events:championship-round-remove",
        kwargs={"org_slug": org, "slug": championship.slug, "round_id": round_id},
    )
    assert client.post(remove).status_code == 302
    assert not ChampionshipStanding.objects.exists()


def test_bad_points_are_refused_with_a_field_error_in_both_languages(
    client: Client, organizer: Any, finished_event: Event
) -> None:
    client.force_login(organizer)
    url = reverse(
        "events:championship-manage-list", kwargs={"org_slug": finished_event.organization.slug}
    )
    data = {
        "name": "Cup",
        "season": "2026",
        "position_points": "25, lots, 15",
        "pole_points": "0",
        "fastest_lap_points": "0",
        "fastest_lap_top": "0",
        "finishing_points": "0",
        "starting_points": "0",
        "drop_worst": "0",
    }
    english = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert "whole numbers separated by commas" in english.content.decode()
    client.cookies["django_language"] = "zh-hans"
    chinese = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "请用逗号分隔的整数填写积分" in chinese.content.decode()
    assert not Championship.objects.exists()


def test_a_private_championship_is_not_public(client: Client, finished_event: Event) -> None:
    from events.services.championships import create_championship

    create_championship(
        organization=finished_event.organization,
        name="Internal",
        slug="internal",
        season=2026,
        position_points=[1],
        is_public=False,
    )
    assert client.get(reverse("events:championship-detail", args=["internal"])).status_code == 404
    assert client.get("/api/events/championships/internal/standings").status_code == 404
    assert "Internal" not in client.get(reverse("events:championship-list")).content.decode()
