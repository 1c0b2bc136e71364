"""The board's clock line uses the right plural: "1 lap to go", "2 laps to go" (and 剩余 1 圈)."""

from __future__ import annotations

from typing import Any

import pytest

from live.engine.timing import Heartbeat
from live.models import LiveSession
from live.services.timing import apply_timing_events
from tests.browser.test_live_board_follows_the_race import AsgiServer
from tests.browser.test_live_board_follows_the_race import asgi_server as asgi_server
from tests.browser.test_live_board_follows_the_race import race as race

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def laps_to_go(asgi_server: AsgiServer, race: LiveSession, n: int) -> None:
    asgi_server.run(
        apply_timing_events,
        session_id=race.pk,
        events=[
            Heartbeat(
                laps_to_go=n, time_to_go_ms=None, time_of_day_ms=None, elapsed_ms=600_000,
                flag="green",
            )
        ],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("locale", "one", "two"),
    [("en-US", "1 lap to go", "2 laps to go"), ("zh-CN", "剩余 1 圈", "剩余 2 圈")],
)
def test_one_lap_is_singular_and_more_are_plural(
    asgi_server: AsgiServer, race: LiveSession, page_factory: Any, locale: str, one: str, two: str
) -> None:
    page = page_factory(locale=locale)
    page.goto(f"{asgi_server.url}/live/{race.pk}/")
    page.wait_for_selector(".live-conn[data-state=live]")
    laps_to_go(asgi_server, race, 2)
    page.wait_for_function(f"document.querySelector('.live-clock').textContent.includes('{two}')")
    laps_to_go(asgi_server, race, 1)
    page.wait_for_function(f"document.querySelector('.live-clock').textContent.includes('{one}')")
    assert "laps to go" not in page.locator(".live-clock").inner_text().replace(two, "")
