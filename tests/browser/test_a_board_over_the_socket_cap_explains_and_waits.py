"""In Chromium: a board whose socket is refused because its address holds its share of live
sockets (close code 4430) tells the reader why, in their language, and does not retry in a storm."""

from __future__ import annotations

from typing import Any

import pytest

from live.models import LiveSession
from tests.browser.test_live_board_follows_the_race import AsgiServer
from tests.browser.test_live_board_follows_the_race import asgi_server as asgi_server
from tests.browser.test_live_board_follows_the_race import race as race

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_board_explains_in_both_languages_and_waits(
    asgi_server: AsgiServer, race: LiveSession, page_factory: Any, settings: Any
) -> None:
    settings.LIVE_MAX_SOCKETS_PER_CLIENT = 1
    holder = page_factory(locale="zh-CN")
    holder.goto(f"{asgi_server.url}/live/{race.pk}/")
    holder.wait_for_selector(".live-conn[data-state=live]")

    for locale, words in (("zh-CN", "实时计时板过多"), ("en-GB", "Too many live boards")):
        page = page_factory(locale=locale)
        sockets: list[Any] = []
        page.on("websocket", lambda socket, seen=sockets: seen.append(socket))
        page.goto(f"{asgi_server.url}/live/{race.pk}/")
        page.wait_for_selector(".live-conn[data-state=busy]")
        assert words in page.locator(".live-conn").inner_text()
        # The board still shows the snapshot the page came with.
        assert page.locator("tbody tr").count() == 3
        page.wait_for_timeout(3000)
        # Its quick back-off would have tried two or three times by now.
        assert len(sockets) == 1
        assert page.locator(".live-conn").get_attribute("data-state") == "busy"
