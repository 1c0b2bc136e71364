"""In Chromium on a phone-sized screen: the board follows the race over its WebSocket, resyncs
after a lost frame, filters by class and speaks Chinese.

The server is uvicorn with Paddock's ASGI application in a thread of this process, so it shares
the test database and the in-memory channel layer; timing events are applied on its event loop,
as an in-process ingest would.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import uvicorn
from asgiref.sync import sync_to_async
from django.db import connections
from django.db.backends.signals import connection_created

from live.engine.timing import ClassInfo, Competitor, Heartbeat, LapPassing
from live.fanout.publish import publish
from live.models import LiveSession
from live.services.timing import apply_timing_events, create_live_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class AsgiServer:
    def __init__(self) -> None:
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        from config.asgi import application

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        config = uvicorn.Config(
            ASGIStaticFilesHandler(application),  # like live_server: static files from finders
            host="127.0.0.1",
            port=self.port,
            ws="config.uvicorn_ws:WebSocketProtocol",
            lifespan="off",
            log_level="warning",
        )
        self.server = uvicorn.Server(config)
        self.loop = asyncio.new_event_loop()
        # asgiref sends some of Django's sync code to the loop's default executor (an error page
        # from response_for_exception, for one): those threads open database connections too.
        # Ours records its threads, so that each can close its connection at the end.
        self.workers: list[threading.Thread] = []
        self.executor = ThreadPoolExecutor(
            thread_name_prefix="asgi-server",
            initializer=lambda: self.workers.append(threading.current_thread()),
        )
        self.loop.set_default_executor(self.executor)
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        loop = self.loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self.server.serve())
        finally:
            # As asyncio.run ends a loop, with the database connections of its threads closed
            # (each thread can only close its own): a connection left open keeps the test
            # database "accessed by other users", and pytest-django cannot drop it at the end.
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            if tasks:
                loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.run_until_complete(self._close_database_connections())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    async def _close_database_connections(self) -> None:
        # asgiref's single sync thread: run() and Channels' database_sync_to_async land there.
        await sync_to_async(connections.close_all)()
        # Every thread of the default executor: the barrier makes each take exactly one call.
        if self.workers:
            barrier = threading.Barrier(len(self.workers))

            def close() -> None:
                barrier.wait(timeout=10)
                connections.close_all()

            await asyncio.gather(
                *(self.loop.run_in_executor(None, close) for _ in range(len(self.workers)))
            )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, function: Any, **kwargs: Any) -> Any:
        """Call sync `function` from the server's loop (its on_commit publish lands there)."""
        future = asyncio.run_coroutine_threadsafe(sync_to_async(function)(**kwargs), self.loop)
        return future.result(timeout=10)


@pytest.fixture
def asgi_server() -> Iterator[AsgiServer]:
    opened: list[tuple[weakref.ref[Any], str]] = []

    def record(sender: Any, connection: Any, **kwargs: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
            opened.append((weakref.ref(connection), threading.current_thread().name))

    connection_created.connect(record, weak=False)
    server = AsgiServer()
    server.thread.start()
    deadline = time.monotonic() + 10
    while not server.server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield server
    finally:
        server.server.should_exit = True
        server.thread.join(timeout=10)
        connection_created.disconnect(record)
    assert not server.thread.is_alive(), "uvicorn did not stop"
    # Every connection the server's threads opened is closed, or the test database cannot be
    # dropped at the end of the run ("being accessed by other users"). Django never closes one
    # to SQLite's in-memory test database: that would destroy it.
    left_open = [
        name
        for ref, name in opened
        if (wrapper := ref()) is not None
        and wrapper.connection is not None
        and not (wrapper.vendor == "sqlite" and wrapper.is_in_memory_db())
    ]
    assert not left_open, f"database connections left open in threads {left_open}"


def heartbeat(elapsed_s: int, flag: str = "green") -> Heartbeat:
    return Heartbeat(
        laps_to_go=9999,
        time_to_go_ms=1_800_000 - elapsed_s * 1000,
        time_of_day_ms=None,
        elapsed_ms=elapsed_s * 1000,
        flag=flag,
    )


@pytest.fixture
def race(asgi_server: AsgiServer) -> LiveSession:
    # Through the server's loop: Playwright runs a loop in this thread, and publish needs one.
    session = asgi_server.run(create_live_session, name="GT Sprint", mode="race")
    asgi_server.run(
        apply_timing_events,
        session_id=session.pk,
        events=[
            ClassInfo(class_no=1, description="GT3"),
            ClassInfo(class_no=2, description="GT4"),
            Competitor(reg_no="7", number="7", first_name="Min", last_name="Zhang", class_no=1),
            Competitor(reg_no="12", number="12", first_name="Lei", last_name="Wang", class_no=1),
            Competitor(reg_no="44", number="44", first_name="Yu", last_name="Chen", class_no=2),
            LapPassing(reg_no="7", lap_ms=None, total_ms=1_000),
            LapPassing(reg_no="12", lap_ms=None, total_ms=1_500),
            LapPassing(reg_no="44", lap_ms=None, total_ms=2_000),
            heartbeat(3),
        ],
    )
    return session


def board_numbers(page: Any) -> list[str]:
    return page.locator("tbody tr:not([hidden]) td:nth-child(2)").all_inner_texts()


def test_the_board_follows_the_race_resyncs_and_filters(
    asgi_server: AsgiServer, race: LiveSession, page_factory: Any
) -> None:
    page = page_factory(locale="zh-CN")
    page.goto(f"{asgi_server.url}/live/{race.pk}/")

    page.wait_for_selector(".live-conn[data-state=live]")
    assert board_numbers(page) == ["7", "12", "44"]
    assert page.locator(".live-flag").inner_text() == "绿旗"
    assert "实时" in page.locator(".live-conn").inner_text()

    # Car 12 completes lap 1 first and leads; car 7's lap is a session best.
    asgi_server.run(
        apply_timing_events,
        session_id=race.pk,
        events=[LapPassing(reg_no="12", lap_ms=92_100, total_ms=93_600), heartbeat(94)],
    )
    page.wait_for_function("document.querySelector('tbody td:nth-child(2)').textContent === '12'")
    asgi_server.run(
        apply_timing_events,
        session_id=race.pk,
        events=[LapPassing(reg_no="7", lap_ms=91_000, total_ms=92_000), heartbeat(95, "yellow")],
    )
    page.wait_for_function("document.querySelector('.live-flag').textContent === '黄旗'")
    leader = page.locator("tbody tr").first
    assert board_numbers(page) == ["7", "12", "44"]
    assert leader.locator("td").nth(5).inner_text() == "1:31.000"
    assert "sb" in (leader.locator("td").nth(6).get_attribute("class") or "")

    # A frame is lost (its seq skips one): the board reconnects for a snapshot and carries on.
    race.refresh_from_db()
    with page.expect_websocket() as reconnected:
        asgi_server.run(
            publish,
            session_id=race.pk,
            message={"type": "delta", "seq": race.seq + 2, "fields": {"flag": "red"}},
        )
    assert "since" not in reconnected.value.url
    page.wait_for_selector(".live-conn[data-state=live]")
    assert page.locator(".live-flag").inner_text() == "黄旗"  # the stored truth, not the bad frame

    page.select_option(".live-class-filter", "GT4")
    assert board_numbers(page) == ["44"]
    assert page.locator("tbody tr:not([hidden]) td").first.inner_text() == "1"  # class position
