"""A NUL character in the path or the query string gets a 400, never reaching the database (where
PostgreSQL refuses it in text and a search for `%00` used to answer 500)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/events/?q=%00",
        "/events/?city=a%00b",
        "/championships/?q=x%00",
        "/events/?%00=1",
    ],
)
def test_pages_answer_400_in_the_readers_language(client: Client, url: str) -> None:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]
    assert "无法理解该请求" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "where"),
    [
        ("/api/events/?q=%00", [["query", "q"]]),
        ("/api/events/?city=a%00b&q=ok&tier=%00", [["query", "city"], ["query", "tier"]]),
    ],
)
def test_the_api_answers_422_naming_each_parameter(
    client: Client, url: str, where: list[list[str]]
) -> None:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    message = "The address contains a NUL character, which is not allowed."
    assert response.json() == {
        "detail": [{"type": "nul_character", "loc": loc, "msg": message} for loc in where]
    }


def test_an_address_without_nul_is_served_as_before(client: Client) -> None:
    assert client.get("/api/events/?q=abc").status_code == 200
    assert client.get("/events/?q=abc").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/events/x%00y/",
        "/live/1%00/",
        "/api/events/x%00y",
        "/api/events/x%00y/results",
        "/api/events/championships/a%00/standings",
    ],
)
def test_a_path_with_nul_names_nothing(client: Client, url: str) -> None:
    assert client.get(url).status_code == 404
