"""On the Live timing page staff choose the feed's text encoding, see when the timing system last
sent bytes, and are warned when a live session's feed has been silent past the idle timeout."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Session
from live.engine.timing import Heartbeat
from live.models import LiveFeedChunk, LiveSession
from live.services.timing import apply_timing_events

pytestmark = pytest.mark.django_db

HEARTBEAT = Heartbeat(
    laps_to_go=None, time_to_go_ms=None, time_of_day_ms=None, elapsed_ms=60_000, flag="green"
)


def start(client, organization, race: Session, **data) -> LiveSession:
    payload = {"mode": "race", "source": "rmonitor", "min_lap_seconds": "20", **data}
    response = client.post(reverse("live:timing-start", args=[organization.slug, race.pk]), payload)
    assert response.status_code == 302
    return LiveSession.objects.get(event_session=race)


def feed(live: LiveSession, seconds_ago: float) -> None:
    apply_timing_events(
        session_id=live.pk, events=[HEARTBEAT], raw=b"$F,...\r\n", raw_format=live.source
    )
    LiveFeedChunk.objects.filter(session=live).update(
        received_at=timezone.now() - timedelta(seconds=seconds_ago)
    )


def page(client, organization, language: str = "en") -> str:
    response = client.get(
        reverse("live:timing", args=[organization.slug]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return response.content.decode()


def test_staff_choose_the_feed_text_encoding_when_starting(
    client, staff_member, organization, club_race
) -> None:
    client.force_login(staff_member)
    assert 'name="feed_encoding"' in page(client, organization)
    live = start(client, organization, club_race, feed_encoding="gb18030")
    assert live.feed_encoding == "gb18030"
    assert "GBK / GB18030 (Chinese Windows)" in page(client, organization)


def test_the_encoding_defaults_to_auto_and_a_bad_one_is_refused(
    client, organizer, organization, club_race
) -> None:
    client.force_login(organizer)
    url = reverse("live:timing-start", args=[organization.slug, club_race.pk])
    payload = {"mode": "race", "source": "rmonitor", "min_lap_seconds": "20"}
    response = client.post(url, {**payload, "feed_encoding": "big5"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "not one of the available choices" in response.content.decode()
    assert not LiveSession.objects.exists()
    assert start(client, organization, club_race).feed_encoding == "auto"


def test_a_silent_live_feed_is_flagged_and_a_fresh_one_is_not(
    client, staff_member, organization, club_race
) -> None:
    client.force_login(staff_member)
    live = start(client, organization, club_race)
    assert "No data from the timing system yet." in page(client, organization)

    feed(live, seconds_ago=5)
    text = page(client, organization)
    assert "Last data from the timing system:" in text
    assert "No data for" not in text

    feed(live, seconds_ago=95)
    text = page(client, organization)
    silent = re.search(r"No data for (\d+) s", text)
    assert silent and 95 <= int(silent.group(1)) <= 100
    zh = page(client, organization, "zh-hans")
    assert "计时系统" in zh and re.search(r"已 \d+ 秒无数据", zh)


def test_a_p3_decoder_gets_its_longer_idle_timeout_and_a_finished_session_no_flag(
    client, staff_member, organization, club_race
) -> None:
    client.force_login(staff_member)
    live = start(client, organization, club_race, source="p3")
    feed(live, seconds_ago=45)  # past RMonitor's 30 s, within P3's 60 s
    assert "No data for" not in page(client, organization)
    feed(live, seconds_ago=75)
    assert "No data for" in page(client, organization)
    client.post(reverse("live:timing-finish", args=[organization.slug, live.pk]))
    text = page(client, organization)
    assert "No data for" not in text and "Last data from the timing system:" in text
