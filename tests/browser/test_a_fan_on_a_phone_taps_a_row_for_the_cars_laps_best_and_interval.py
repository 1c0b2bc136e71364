"""In Chromium at 390 px the board hides laps, best and interval; tapping a car's row shows them
below it, in the page's language, kept current by the deltas and moving with the car when the
order changes. Tapping again closes it."""

from __future__ import annotations

from typing import Any

import pytest

from live.engine.timing import LapPassing
from live.models import LiveSession
from live.services.timing import apply_timing_events
from tests.browser.test_live_board_follows_the_race import AsgiServer, heartbeat
from tests.browser.test_live_board_follows_the_race import asgi_server as asgi_server
from tests.browser.test_live_board_follows_the_race import race as race

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPS_ZH = "圈数"


def detail(page: Any, field: str) -> str:
    return str(page.locator(f"tr.live-detail [data-field={field}] dd").inner_text())


def test_tapping_a_row_shows_the_hidden_columns_and_follows_the_race(
    asgi_server: AsgiServer, race: LiveSession, page_factory: Any
) -> None:
    page = page_factory(locale="zh-CN")
    page.goto(f"{asgi_server.url}/live/{race.pk}/")
    page.wait_for_selector(".live-conn[data-state=live]")
    asgi_server.run(
        apply_timing_events,
        session_id=race.pk,
        events=[
            LapPassing(reg_no="12", lap_ms=92_100, total_ms=93_600),
            LapPassing(reg_no="7", lap_ms=93_000, total_ms=94_000),
            heartbeat(95),
        ],
    )
    page.wait_for_function("document.querySelector('tbody td:nth-child(2)').textContent === '12'")

    car7 = page.locator("tbody tr", has=page.locator("td:nth-child(2)", has_text="7")).first
    # At this width the laps, best and interval columns are not shown.
    for column in ("col-laps", "col-best", "col-int"):
        assert not car7.locator(f"td.{column}").is_visible()
    assert page.locator("tr.live-detail").count() == 0

    car7.click()  # no touch screen in this context; a tap fires the same click
    page.wait_for_selector("tr.live-detail")
    assert page.locator("tr.live-detail").is_visible()
    assert car7.get_attribute("aria-expanded") == "true"
    assert detail(page, "laps") == "1"
    assert detail(page, "best") == "1:33.000"
    assert detail(page, "interval") == "+0.400"
    assert page.locator("tr.live-detail [data-field=laps] dt").inner_text() == LAPS_ZH
    # The detail row sits right under its car.
    assert (
        page.evaluate(
            "document.querySelector('tr.live-detail').previousElementSibling"
            ".querySelector('td:nth-child(2)').textContent"
        )
        == "7"
    )

    # Car 7 takes the lead with a faster lap: the open detail updates and moves with it.
    asgi_server.run(
        apply_timing_events,
        session_id=race.pk,
        events=[LapPassing(reg_no="7", lap_ms=90_000, total_ms=184_000), heartbeat(185)],
    )
    page.wait_for_function(
        "document.querySelector('tr.live-detail [data-field=laps] dd').textContent === '2'"
    )
    assert detail(page, "best") == "1:30.000"
    assert (
        page.evaluate("document.querySelector('tbody tr').nextElementSibling.className")
        == "live-detail"
    )

    car7.click()  # no touch screen in this context; a tap fires the same click
    assert page.locator("tr.live-detail").count() == 0
    assert car7.get_attribute("aria-expanded") == "false"
