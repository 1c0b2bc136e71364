"""A fan pins cars on the board: the pins outlive a reload, pinned rows are marked and can come
first, arrows show places gained or lost over the last lap, a chart draws the pinned cars' gaps,
and each pit stop, personal best, position change and finish of a pinned car is told once (a
browser notification, the fan having allowed them, and a line on the page), not again after a
resync or a reload. On a phone and on a desktop, in Chinese and English, with no CSP violation.
"""

from __future__ import annotations

from typing import Any

import pytest

from live.engine.timing import LapPassing, LineCrossing
from live.fanout.publish import publish
from live.models import LiveSession
from live.services.timing import apply_timing_events
from tests.browser.policy import wait_until, watch_policy_violations
from tests.browser.test_live_board_follows_the_race import AsgiServer, board_numbers, heartbeat
from tests.browser.test_live_board_follows_the_race import asgi_server as asgi_server
from tests.browser.test_live_board_follows_the_race import race as race

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records each notification the page creates, then lets the browser's own one be made.
SPY = """
(() => {
  const Real = window.Notification;
  window.__told = [];
  class Spy extends Real {
    constructor(title, options) {
      super(title, options);
      window.__told.push({ title: title, body: options && options.body, tag: options && options.tag });
    }
  }
  Object.defineProperty(Spy, "permission", { get: () => Real.permission });
  Spy.requestPermission = (cb) => Real.requestPermission(cb);
  window.Notification = Spy;
})();
"""


def pin(page: Any, number: str) -> None:
    row = page.locator("tbody tr", has=page.locator("td:nth-child(2)", has_text=number)).first
    row.locator("button.pin-toggle").click()


def told(page: Any) -> list[dict[str, Any]]:
    return list(page.evaluate("window.__told"))


def apply(server: AsgiServer, race: LiveSession, *events: Any) -> None:
    server.run(apply_timing_events, session_id=race.pk, events=list(events))


def lose_a_frame(page: Any, server: AsgiServer, race: LiveSession) -> None:
    """A frame whose seq skips one: the board reconnects for a snapshot (a resync)."""
    race.refresh_from_db()
    with page.expect_websocket():
        server.run(
            publish,
            session_id=race.pk,
            message={"type": "delta", "seq": race.seq + 2, "fields": {"flag": "red"}},
        )
    page.wait_for_selector(".live-conn[data-state=live]")


def wait_seq(page: Any, race: LiveSession) -> None:
    race.refresh_from_db()
    wait_until(
        page,
        f"Number(document.getElementById('live-board').dataset.seq) >= {race.seq}",
        timeout=10_000,
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_pinned_cars_are_kept_marked_charted_and_told_once_per_event(
    asgi_server: AsgiServer, race: LiveSession, page_factory: Any, width: int
) -> None:
    page = page_factory(locale="zh-CN")
    page.set_viewport_size({"width": width, "height": 900})
    page.context.grant_permissions(["notifications"], origin=asgi_server.url)
    page.add_init_script(SPY)
    violations = watch_policy_violations(page)
    page.goto(f"{asgi_server.url}/live/{race.pk}/")
    page.wait_for_selector(".live-conn[data-state=live]")
    assert page.locator(".fans-notify-state").inner_text() == "已为关注的赛车开启通知。"

    pin(page, "44")
    car44 = page.locator("tr[data-key='44']")
    assert "pinned" in (car44.get_attribute("class") or "")
    assert car44.locator("button.pin-toggle").get_attribute("aria-pressed") == "true"
    assert car44.locator("button.pin-toggle").get_attribute("aria-label") == "取消关注 44 号车"

    # Kept on the device: after a reload car 44 is still pinned; shown first when asked.
    page.reload()
    page.wait_for_selector(".live-conn[data-state=live]")
    assert "pinned" in (page.locator("tr[data-key='44']").get_attribute("class") or "")
    assert board_numbers(page) == ["7", "12", "44"]
    page.check(".fans-first")
    assert board_numbers(page) == ["44", "7", "12"]
    assert page.locator("tbody tr").first.locator("td").first.inner_text() == "3"
    page.reload()
    page.wait_for_selector(".live-conn[data-state=live]")
    assert page.is_checked(".fans-first")
    assert board_numbers(page) == ["44", "7", "12"]
    page.uncheck(".fans-first")

    # Lap 1: car 44 passes both others (2 places gained); car 7 loses one.
    apply(
        asgi_server,
        race,
        LapPassing(reg_no="44", lap_ms=90_000, total_ms=92_000),
        LapPassing(reg_no="7", lap_ms=92_000, total_ms=93_000),
        LapPassing(reg_no="12", lap_ms=92_000, total_ms=93_500),
        heartbeat(95),
    )
    wait_seq(page, race)
    assert board_numbers(page) == ["44", "7", "12"]
    position = page.locator("tr[data-key='44'] td").first
    assert (position.get_attribute("data-dir"), position.get_attribute("data-places")) == (
        "up",
        "2",
    )
    assert position.get_attribute("title") == "上一圈前进 2 位"
    assert page.locator("tr[data-key='7'] td").first.get_attribute("data-dir") == "down"
    # Lap 2: a personal best; then it goes into the pits and loses the lead.
    apply(asgi_server, race, LapPassing(reg_no="44", lap_ms=88_000, total_ms=180_000))
    apply(asgi_server, race, LineCrossing(car="44", line="P1", line_name="PIT"))
    apply(
        asgi_server,
        race,
        LapPassing(reg_no="7", lap_ms=88_000, total_ms=181_000),
        LapPassing(reg_no="7", lap_ms=88_000, total_ms=269_000),
    )
    wait_seq(page, race)
    expected = {"pos:44:1:1", "pb:44:88000", "pit:44:2", "pos:44:2:2"}
    wait_until(page, f"window.__told.length >= {len(expected)}", timeout=10_000)
    assert {n["tag"] for n in told(page)} == expected
    assert all(n["title"] == "44 号车 · Yu Chen" for n in told(page))
    bodies = {n["tag"]: n["body"] for n in told(page)}
    assert bodies["pit:44:2"] == "第 2 圈进站"
    assert bodies["pb:44:88000"] == "个人最快圈 1:28.000"
    assert bodies["pos:44:1:1"] == "现第 1 名（原第 3 名）"
    assert bodies["pos:44:2:2"] == "现第 2 名（原第 1 名）"
    assert page.locator(".fans-news li").count() == 4

    # The chart has the pinned car's gap on each lap it completed.
    chart = page.locator(".fans-chart")
    assert chart.is_visible()
    assert chart.locator("[data-number='44']").count() == 1
    box = chart.locator("svg").bounding_box()
    assert box is not None and box["width"] <= width

    # The chart's points outlive a reload of the page (kept for the tab).
    line = chart.locator("[data-number='44']")
    drawn = line.get_attribute("points")
    assert drawn is not None and len(drawn.split()) == 2  # laps 1 and 2
    page.reload()
    page.wait_for_selector(".live-conn[data-state=live]")
    assert page.locator(".fans-chart [data-number='44']").get_attribute("points") == drawn

    # A lost frame: the board resyncs from a snapshot; nothing is told twice.
    lose_a_frame(page, asgi_server, race)
    wait_seq(page, race)
    # The chequered flag: car 44 finishes when it next crosses the line.
    apply(asgi_server, race, heartbeat(400, "finish"))
    apply(asgi_server, race, LapPassing(reg_no="44", lap_ms=120_000, total_ms=300_000))
    wait_seq(page, race)
    wait_until(page, "window.__told.some(n => n.tag === 'finish:44')", timeout=10_000)
    # Since the reload above: the resync told nothing again, the finish once.
    assert [n["tag"] for n in told(page)] == ["finish:44"]

    # A reload rebuilds the board from a snapshot: still nothing told again.
    page.reload()
    page.wait_for_selector(".live-conn[data-state=live]")
    apply(asgi_server, race, LapPassing(reg_no="12", lap_ms=150_000, total_ms=310_000))
    wait_seq(page, race)
    assert told(page) == []
    # ... while what is new is told as before.
    apply(asgi_server, race, LineCrossing(car="44", line="P1", line_name="POT"))
    apply(asgi_server, race, LineCrossing(car="44", line="P1", line_name="PIT"))
    wait_seq(page, race)
    wait_until(page, "window.__told.length > 0", timeout=10_000)
    assert [n["tag"] for n in told(page)] == ["pit:44:3"]
    assert violations == []


def test_without_permission_the_news_is_listed_but_not_notified_in_english(
    asgi_server: AsgiServer, race: LiveSession, page_factory: Any
) -> None:
    page = page_factory(locale="en-US")
    page.add_init_script(SPY)
    violations = watch_policy_violations(page)
    page.goto(f"{asgi_server.url}/live/{race.pk}/")
    page.wait_for_selector(".live-conn[data-state=live]")
    assert page.locator(".fans-notify").is_visible()
    pin(page, "12")
    apply(asgi_server, race, LineCrossing(car="12", line="P1", line_name="PIT"))
    wait_seq(page, race)
    page.wait_for_selector(".fans-news li")
    assert page.locator(".fans-news li").inner_text() == "Car 12 · Lei Wang Pit stop on lap 0"
    assert told(page) == []
    assert violations == []


def test_a_penalty_for_a_pinned_car_is_told_once_and_old_ones_are_not(
    asgi_server: AsgiServer, race: LiveSession, page_factory: Any
) -> None:
    from live.services.racecontrol import post_race_control_message

    def penalty(number: str, reason: str) -> int:
        message = asgi_server.run(
            post_race_control_message,
            session_id=race.pk,
            kind="penalty",
            car_number=number,
            penalty="drive_through",
            text=reason,
        )
        return int(message.pk)

    penalty("44", "Jump start")  # on the board before the page opens: not news
    page = page_factory(locale="en-US")
    page.context.grant_permissions(["notifications"], origin=asgi_server.url)
    page.add_init_script(SPY)
    violations = watch_policy_violations(page)
    page.goto(f"{asgi_server.url}/live/{race.pk}/")
    page.wait_for_selector(".live-conn[data-state=live]")
    pin(page, "44")

    penalty("7", "Track limits")  # a car not pinned
    fresh = penalty("44", "Unsafe release")
    wait_seq(page, race)
    wait_until(page, "window.__told.length > 0", timeout=10_000)
    (notification,) = told(page)
    assert notification["tag"] == f"penalty:44:{fresh}"
    assert notification["title"] == "Car 44 · Yu Chen"
    assert "Drive-through" in notification["body"] and "Unsafe release" in notification["body"]

    # A resync brings the same messages again in a snapshot: told already.
    lose_a_frame(page, asgi_server, race)
    apply(asgi_server, race, heartbeat(200))
    wait_seq(page, race)
    assert len(told(page)) == 1
    assert page.locator(".fans-news li").count() == 1
    assert violations == []
