"""An official posts a penalty from the race-control page on a phone; a fan's board on another
phone shows it within two seconds of the tap, in Chinese. The same board, following the demo's
simulated race, shows the white flag on the leader's last lap and the chequered flag per car."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from events.models import Event, Session
from live.feeds.adapters.simulator import SimulatorConfig, seconds, timeline
from live.services.timing import apply_timing_events, create_live_session
from racing.models import Membership, Organization
from tests.browser.test_live_board_follows_the_race import AsgiServer, asgi_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_race(official: Any) -> Session:
    organization = Organization.objects.create(name="Shanghai Motor Club", slug="smc")
    Membership.objects.create(organization=organization, user=official, role="staff")
    starts = timezone.now()
    event = Event.objects.create(
        organization=organization,
        title="Club Cup",
        slug="club-cup",
        tier="national",
        discipline="circuit",
        venue_name="Shanghai International Circuit",
        province="shanghai",
        city="Shanghai",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        status=Event.Status.PUBLISHED,
    )
    return Session.objects.create(
        event=event,
        kind=Session.Kind.RACE,
        name="Final",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )


def signed_in(page: Any, user: Any, url: str) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": url}])


def test_a_penalty_posted_on_a_phone_reaches_a_fans_board_within_two_seconds(
    asgi_server: AsgiServer,  # noqa: F811
    page_factory: Any,
    django_user_model: Any,
) -> None:
    official = django_user_model.objects.create_user("official", "rc@club.test", "pw")
    race = asgi_server.run(make_race, official=official)
    live = asgi_server.run(create_live_session, name="Club Cup · Final", event_session=race)
    first = seconds(timeline(SimulatorConfig(laps=3)))
    for batch in first[:130]:  # the cars, the start and a lap or so
        if batch:
            asgi_server.run(apply_timing_events, session_id=live.pk, events=batch)

    fan = page_factory(locale="zh-CN")
    fan.goto(f"{asgi_server.url}/live/{live.pk}/")
    fan.wait_for_selector(".live-conn[data-state=live]")
    assert "碰撞" not in str(fan.locator(".live-messages").text_content())

    director = page_factory(locale="zh-CN")
    signed_in(director, official, asgi_server.url)
    director.goto(f"{asgi_server.url}/organizer/smc/live/{live.pk}/race-control/")
    director.select_option("select[name=kind]", "penalty")
    director.fill("input[name=car_number]", "7")
    director.select_option("select[name=penalty]", "time")
    director.fill("input[name=penalty_seconds]", "5")
    director.fill("textarea[name=text]", "碰撞 Causing a collision")
    started = time.monotonic()
    director.click("form[action$='/race-control/post/'] button[type=submit]")
    fan.wait_for_function(
        "document.querySelector('.live-messages li')?.textContent.includes('碰撞')", timeout=2000
    )
    assert time.monotonic() - started < 2.0
    shown = fan.locator(".live-messages li").first.inner_text()
    assert "#7" in shown and "罚时" in shown and "5 秒" in shown
    # The director's page has the message in its log after the post.
    director.wait_for_selector(".rc-log .rc-penalty")
    # Phone-sized, nothing wider than the screen: the fan's board and the official's page.
    for page in (fan, director):
        assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_board_shows_the_white_flag_then_the_chequered_flag_per_car(
    asgi_server: AsgiServer,  # noqa: F811
    page_factory: Any,
) -> None:
    live = asgi_server.run(create_live_session, name="Demo race", mode="race")
    config = SimulatorConfig(laps=3, seed=4)
    events = timeline(config)
    batches = seconds(events)
    fan = page_factory(locale="zh-CN")
    fan.goto(f"{asgi_server.url}/live/{live.pk}/")
    fan.wait_for_selector(".live-conn[data-state=live]")
    flags_seen: list[str] = []
    finished_rows = 0
    white_text = clock_text = ""
    for batch in batches:
        if not batch:
            continue
        seq = asgi_server.run(apply_timing_events, session_id=live.pk, events=batch)
        if seq is None:
            continue
        fan.wait_for_function(f"Number(document.getElementById('live-board').dataset.seq) >= {seq}")
        flag = fan.locator(".live-flag").get_attribute("data-flag")
        if not flags_seen or flags_seen[-1] != flag:
            flags_seen.append(str(flag))
            if flag == "white":
                white_text = fan.locator(".live-flag").inner_text()
                clock_text = fan.locator(".live-clock").inner_text()
        finished_rows = fan.locator("tbody tr.finished").count()
    assert "white" in flags_seen
    assert flags_seen.index("white") < flags_seen.index("finish")
    assert flags_seen[-1] == "finish"
    assert finished_rows == len(config.cars)
    assert white_text == "白旗：最后一圈"
    assert clock_text.startswith("第 3/3 圈")
