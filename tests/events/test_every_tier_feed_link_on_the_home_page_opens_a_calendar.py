"""The home page offers every public tier feed twice: a webcal:// link that phones open as a
subscription, and the https address in a field to copy. Every one of them answers 200 with a calendar (the
heritage link once pointed at `heritage.ics`, a 404)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from events.models import Tier

pytestmark = pytest.mark.django_db


def feed_links(page: str) -> dict[str, list[str]]:
    return {
        "subscribe": re.findall(r'<a href="([^"]+)" data-feed="subscribe"', page),
        "https": re.findall(r'value="([^"]+)" data-feed="https"', page),
    }


@pytest.mark.parametrize("path", ["/", "/calendar/me/"])
def test_every_tier_has_a_webcal_and_an_https_link_that_both_resolve(
    client: Client, django_user_model, path: str
) -> None:
    if path != "/":
        client.force_login(django_user_model.objects.create_user("cal", "cal@example.test"))
    page = client.get(path)
    assert page.status_code == 200
    links = feed_links(page.content.decode())
    assert len(links["subscribe"]) == len(Tier.values)
    assert len(links["https"]) == len(Tier.values)
    for webcal, https in zip(links["subscribe"], links["https"], strict=True):
        assert webcal.startswith("webcal://")
        assert https.startswith("http")
        assert urlsplit(webcal).path == urlsplit(https).path
        response = client.get(urlsplit(https).path)
        assert response.status_code == 200, https
        assert response["Content-Type"].startswith("text/calendar")


def test_the_heritage_feed_is_offered_at_its_real_address(client: Client) -> None:
    page = client.get("/").content.decode()
    assert "/calendar/tier/local_heritage.ics" in page
    assert "/calendar/tier/heritage.ics" not in page
