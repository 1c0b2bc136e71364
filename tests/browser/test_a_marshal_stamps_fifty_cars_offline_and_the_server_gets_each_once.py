"""The marshal's control page in Chromium on a phone: with the network gone it keeps 50 stamps
on the phone and shows them unsent; when the network returns exactly 50 reach the server, also
when the first sync's answer is lost and the page is reloaded before the retry. The phone's clock
is corrected by the offset measured against the server. No policy violation on the way."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from events.models import Control, Event, Route, Session, Stamp
from events.services import regularity as services
from tests.browser.policy import watch_policy_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def checkpoint(make_organization: Callable[..., Any]) -> Control:
    organization = make_organization("Heritage Club")
    now = timezone.now()
    event = Event.objects.create(
        organization=organization,
        title="Mountain Regularity",
        slug="mountain-regularity",
        tier="local_heritage",
        discipline="regularity",
        venue_name="Moganshan",
        province="zhejiang",
        city="Huzhou",
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=6),
        status=Event.Status.PUBLISHED,
    )
    session = Session.objects.create(
        event=event,
        kind=Session.Kind.OTHER,
        name="Leg 1",
        starts_at=event.starts_at,
        ends_at=event.ends_at,
    )
    route = services.save_route(
        session=session, mode=Route.Mode.REGULARITY, standard_start=event.starts_at, interval_s=60
    )
    services.add_control(route=route, code="S", kind="start")
    return services.add_control(
        route=route, code="SC1", kind="secret", distance_m=9000, speed_kmh=Decimal(45)
    )


def open_control(page: Any, live_server: Any, control: Control) -> list[str]:
    violations = watch_policy_violations(page)
    page.goto(f"{live_server.url}/control/{control.token}/")
    page.wait_for_selector("#control-app[data-state=online]")
    return violations


def stamp_fifty_offline(page: Any) -> None:
    page.context.set_offline(True)
    for number in range(1, 51):
        page.fill("#car-number", str(number))
        page.click("#stamp-button")
    page.wait_for_selector("#unsynced-count[data-unsynced='50']")
    assert page.locator("#stamp-list li.stamp-waiting").count() == 50


def test_fifty_stamps_taken_offline_reach_the_server_once(
    live_server: Any, page_factory: Any, checkpoint: Control
) -> None:
    page = page_factory()
    violations = open_control(page, live_server, checkpoint)
    stamp_fifty_offline(page)
    assert Stamp.objects.count() == 0
    page.context.set_offline(False)
    page.wait_for_selector("#unsynced-count[data-unsynced='0']", timeout=20_000)
    assert Stamp.objects.filter(control=checkpoint).count() == 50
    assert sorted(Stamp.objects.values_list("car_number", flat=True)) == list(range(1, 51))
    assert page.locator("#stamp-list li.stamp-synced").count() == 50
    assert violations == []


def test_a_lost_answer_and_a_reload_before_the_retry_still_give_exactly_fifty(
    live_server: Any, page_factory: Any, checkpoint: Control
) -> None:
    page = page_factory()
    violations = open_control(page, live_server, checkpoint)
    stamp_fifty_offline(page)
    delivered: list[int] = []

    def lose_the_answer(route: Any) -> None:
        # The server gets the batch and stores it; the phone never hears back. (A request the
        # page gave up meanwhile can no longer be answered: nothing to lose then.)
        try:
            response = route.fetch()
        except PlaywrightError:
            return
        delivered.append(response.status)
        with contextlib.suppress(PlaywrightError):
            route.abort()

    sync_url = f"**/control/{checkpoint.token}/sync/"
    page.route(sync_url, lose_the_answer)
    page.context.set_offline(False)
    deadline = time.monotonic() + 20
    while not delivered:
        assert time.monotonic() < deadline, "no sync reached the server"
        page.wait_for_timeout(100)
    assert delivered and delivered[0] == 200
    assert Stamp.objects.count() == 50
    # The phone still holds them as unsent, across a reload of the page.
    page.reload()
    page.wait_for_selector("#unsynced-count[data-unsynced='50']")
    page.unroute(sync_url)
    page.click("#sync-button")
    page.wait_for_selector("#unsynced-count[data-unsynced='0']", timeout=20_000)
    assert Stamp.objects.filter(control=checkpoint).count() == 50
    assert len(set(Stamp.objects.values_list("key", flat=True))) == 50
    assert violations == []


def test_a_phone_two_hours_fast_stamps_the_servers_time(
    live_server: Any, page_factory: Any, checkpoint: Control
) -> None:
    page = page_factory()
    page.add_init_script(
        "(() => { const real = Date.now.bind(Date); Date.now = () => real() + 7200000; })();"
    )
    violations = open_control(page, live_server, checkpoint)
    page.fill("#car-number", "7")
    before = timezone.now()
    page.click("#stamp-button")
    page.wait_for_selector("#unsynced-count[data-unsynced='0']")
    after = timezone.now()
    stamp = Stamp.objects.get()
    # A generous margin: the skew corrected is two hours; the round trip is well under a minute.
    assert before - timedelta(minutes=1) <= stamp.at <= after + timedelta(minutes=1)
    assert stamp.offset_ms is not None
    assert abs(stamp.offset_ms + 7_200_000) < 60_000
    assert violations == []
