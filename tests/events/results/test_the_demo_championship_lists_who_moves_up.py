"""The demo championship's rookie class promotes its top 3: staff see who moves up on the
championship's page, fans see the marks, and the season stays open (a later round of the same
season is still to come), so the demo driver is refused nowhere yet."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from events.demo.results import CHAMPIONSHIP_SLUG
from events.models import Championship
from events.services.promotions import promotions_of
from racing.demo.registry import ORGANIZER_EMAIL

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_top_3_rookies_are_listed_as_moving_up_and_the_season_is_open(
    client: Client,
) -> None:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    championship = Championship.objects.get(slug=CHAMPIONSHIP_SLUG)
    assert not championship.season_closed
    promotions = promotions_of(championship)
    assert len(promotions) == 3
    names = [standing.name for standing, _waiver in promotions]
    assert all(standing.class_name == "新秀组 Rookie" for standing, _w in promotions)
    assert (
        f"Demo promotions: the top 3 of 新秀组 Rookie move up to 公开组 Open ({', '.join(names)})"
        in out.getvalue()
    )

    client.force_login(get_user_model().objects.get(email=ORGANIZER_EMAIL))
    manage = client.get(
        reverse(
            "events:championship-manage",
            args=[championship.organization.slug, championship.slug],
        ),
        **EN,
    ).text
    assert "The season is open" in manage
    for name in names:
        assert name in manage
    public = client.get(reverse("events:championship-detail", args=[championship.slug]), **EN)
    assert public.text.count("moves up to 公开组 Open") == 3
