"""Two real uvicorn processes on the Redis pub/sub layer: a spectator on each sees the same frames.

The deltas are published from this test process, as the ingest process does in production, and
reach each server through its single Redis subscription for the session.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from websockets.asyncio.client import connect

from live.fanout.publish import publish
from live.models import LiveSession

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
DELTAS = 25


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url_for_servers(tmp_path: Path) -> str:
    """The servers must read the database this test writes: the test database itself."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("postgresql"):
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    if str(db["NAME"]).startswith("file:") or db["NAME"] == ":memory:":
        pytest.skip("the test database is in-memory SQLite; two server processes cannot share it")
    return f"sqlite:///{db['NAME']}"


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[list[int]]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_servers(tmp_path),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    ports = [free_port(), free_port()]
    uvicorn = [
        sys.executable, "-m", "uvicorn", "config.asgi:application", "--log-level", "warning",
        "--ws", "config.uvicorn_ws:WebSocketProtocol",
    ]  # fmt: skip
    servers = [
        subprocess.Popen([*uvicorn, "--port", str(port)], cwd=ROOT, env=env) for port in ports
    ]
    try:
        deadline = time.monotonic() + 30
        for port, server in zip(ports, servers, strict=True):
            while True:
                assert server.poll() is None, "a server exited at start"
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "a server did not start within 30 s"
                    time.sleep(0.05)
        yield ports
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


async def frames_from(port: int, session_id: int, ready: asyncio.Event, count: int) -> list[str]:
    url = f"ws://127.0.0.1:{port}/ws/live/sessions/{session_id}/"
    async with connect(url, origin=f"http://127.0.0.1:{port}") as ws:  # type: ignore[arg-type]
        frames = [await asyncio.wait_for(ws.recv(), 10)]
        ready.set()
        while len(frames) < count:
            frames.append(await asyncio.wait_for(ws.recv(), 10))
    return [str(frame) for frame in frames]


@pytest.fixture
def session() -> LiveSession:
    # Created here, on the main thread, so no connection is left open in a worker thread.
    return LiveSession.objects.create(
        name="Two servers", mode="race", seq=3, snapshot={"seq": 3, "flag": "green", "rows": []}
    )


async def test_a_spectator_on_each_process_receives_the_same_sequence(
    session: LiveSession, two_servers: list[int]
) -> None:
    ready = [asyncio.Event(), asyncio.Event()]
    spectators = [
        asyncio.create_task(frames_from(port, session.pk, event, DELTAS + 1))
        for port, event in zip(two_servers, ready, strict=True)
    ]
    await asyncio.wait_for(asyncio.gather(*(event.wait() for event in ready)), 20)

    for seq in range(4, 4 + DELTAS):
        message: dict[str, Any] = {"type": "delta", "seq": seq, "fields": {"elapsed_ms": seq}}
        await sync_to_async(publish)(session.pk, message)
    first, second = await asyncio.wait_for(asyncio.gather(*spectators), 30)

    assert first == second
    assert json.loads(first[0])["type"] == "snapshot"
    assert [json.loads(frame)["seq"] for frame in first] == list(range(3, 4 + DELTAS))
