"""Redis restarted in the middle of a live session: the board in Chromium is back in step within
five seconds of the first change after the restart, and the ingest keeps going meanwhile.

A private redis-server on a spare port (nothing saved to disk) is killed and started again, so
the shared Redis of the machine is never touched.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from channels.layers import channel_layers

from live.engine.timing import Competitor, Heartbeat, LapPassing
from live.services.timing import apply_timing_events, create_live_session
from tests.browser.test_live_board_follows_the_race import AsgiServer, asgi_server  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class PrivateRedis:
    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "no", "--loglevel", "warning"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.02)  # waiting for another process to listen

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def private_redis(settings: Any) -> Iterator[PrivateRedis]:
    redis = PrivateRedis()
    redis.start()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [redis.url]},
        }
    }
    channel_layers.backends.clear()
    yield redis
    channel_layers.backends.clear()
    if redis.process and redis.process.poll() is None:
        redis.kill()


def heartbeat(elapsed_s: int) -> Heartbeat:
    return Heartbeat(
        laps_to_go=9999,
        time_to_go_ms=None,
        time_of_day_ms=None,
        elapsed_ms=elapsed_s * 1000,
        flag="green",
    )


def shows_laps(number: str, laps: int) -> str:
    return (
        "[...document.querySelectorAll('tbody tr')].some(tr => "
        f"tr.children[1].textContent.trim() === '{number}' && "
        f"tr.children[4].textContent.trim() === '{laps}')"
    )


def test_the_board_resyncs_within_five_seconds_after_redis_restarts(
    private_redis: PrivateRedis,
    asgi_server: AsgiServer,  # noqa: F811
    page_factory: Any,
) -> None:
    session = asgi_server.run(create_live_session, name="Night race", mode="race")
    asgi_server.run(
        apply_timing_events,
        session_id=session.pk,
        events=[
            Competitor(reg_no="7", number="7", first_name="Min", last_name="Zhang"),
            Competitor(reg_no="12", number="12", first_name="Lei", last_name="Wang"),
            LapPassing(reg_no="7", lap_ms=None, total_ms=1_000),
            LapPassing(reg_no="12", lap_ms=None, total_ms=1_400),
            heartbeat(2),
        ],
    )
    fan = page_factory(locale="zh-CN")
    fan.goto(f"{asgi_server.url}/live/{session.pk}/")
    fan.wait_for_selector(".live-conn[data-state=live]")
    asgi_server.run(
        apply_timing_events,
        session_id=session.pk,
        events=[LapPassing(reg_no="7", lap_ms=90_000, total_ms=91_000), heartbeat(91)],
    )
    fan.wait_for_function(shows_laps("7", 1), timeout=2000)

    private_redis.kill()
    # While Redis is down the timing feed goes on; the ingest must not fail on it.
    asgi_server.run(
        apply_timing_events,
        session_id=session.pk,
        events=[LapPassing(reg_no="12", lap_ms=90_500, total_ms=91_900), heartbeat(92)],
    )
    private_redis.start()

    # The feed keeps coming, one heartbeat a second as RMonitor sends it; within five seconds of
    # the first change after the restart the board shows everything, including the lost lap.
    restarted = time.monotonic()
    elapsed = 93
    caught_up = False
    while time.monotonic() - restarted < 5.0 and not caught_up:
        asgi_server.run(
            apply_timing_events,
            session_id=session.pk,
            events=[heartbeat(elapsed)]
            + ([LapPassing(reg_no="7", lap_ms=89_000, total_ms=180_000)] if elapsed == 93 else []),
        )
        elapsed += 1
        try:
            fan.wait_for_function(
                f"({shows_laps('7', 2)}) && ({shows_laps('12', 1)})", timeout=1000
            )
            caught_up = True
        except Exception:  # Playwright's TimeoutError: one more heartbeat, as a real feed
            continue
    assert caught_up, "the board had not resynced five seconds after Redis came back"
    assert time.monotonic() - restarted < 5.0
