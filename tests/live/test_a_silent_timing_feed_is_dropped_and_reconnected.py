"""A timing connection that goes silent (half-open: timing PC rebooted, Wi-Fi or NAT dropped) is
closed after the idle timeout and reopened with the usual back-off; a host that never completes
the TCP handshake is given up after the connect timeout; the socket has TCP keepalive on."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Coroutine, Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.core.management import CommandError, call_command
from django.utils.translation import gettext

from live.feeds.ingest import IDLE_TIMEOUT_S, IngestStats, enable_keepalive, ingest
from live.services.timing import create_live_session

GREETING = '$COMP,"2","15",1,"红牛车队","","CHN",""\r\n$G,1,"2",1,"00:01:00.000"\r\n'.encode("gbk")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def bounded(run: Coroutine[Any, Any, IngestStats]) -> IngestStats:
    """A client that never notices the silence would wait forever: fail the test instead."""
    return await asyncio.wait_for(run, timeout=10)


async def silent_server(port: int, greeting: bytes = b"") -> tuple[asyncio.Server, list[int]]:
    """A timing PC that accepts, optionally sends a greeting, then never sends another byte and
    never closes: from the client's side, exactly a half-open connection."""
    connections: list[int] = []
    held: list[asyncio.StreamWriter] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(len(connections))
        held.append(writer)
        if greeting:
            writer.write(greeting)
            await writer.drain()
        with contextlib.suppress(ConnectionError):
            await reader.read()  # until the client gives up on us

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    return server, connections


@pytest.mark.django_db(transaction=True)
async def test_a_silent_connection_is_closed_after_the_idle_timeout_and_reopened() -> None:
    session = await sync_to_async(create_live_session)(name="Live 1")
    port = free_port()
    server, connections = await silent_server(port)
    async with server:
        started = time.monotonic()
        stats = await bounded(
            ingest(
                session_id=session.pk,
                host="127.0.0.1",
                port=port,
                format="rmonitor",
                max_connections=3,
                initial_backoff_s=0.001,
                idle_timeout_s=0.2,
            )
        )
        elapsed = time.monotonic() - started
    assert len(connections) == 3 and stats.connections == 3
    assert stats.idle_timeouts == 3 and stats.failures == 0
    # Nothing ever arrived, so the back-off kept growing instead of resetting.
    assert stats.delays == [0.001, 0.002, 0.004]
    assert 0.6 <= elapsed < 5


@pytest.mark.django_db(transaction=True)
async def test_data_then_silence_applies_the_data_and_reconnects() -> None:
    session = await sync_to_async(create_live_session)(name="Live 1", feed_encoding="gb18030")
    port = free_port()
    server, connections = await silent_server(port, GREETING)
    async with server:
        stats = await bounded(
            ingest(
                session_id=session.pk,
                host="127.0.0.1",
                port=port,
                format="rmonitor",
                max_connections=2,
                initial_backoff_s=0.001,
                idle_timeout_s=0.2,
            )
        )
    await sync_to_async(session.refresh_from_db)()
    assert [row["name"] for row in session.snapshot["rows"]] == ["红牛车队"]
    assert stats.idle_timeouts == 2 and len(connections) == 2
    assert stats.delays == [0.001, 0.001]  # each connection delivered data: back-off reset


def test_the_default_idle_timeouts_suit_each_protocol() -> None:
    # RMonitor: 30 missed one-second heartbeats. P3: room for a quiet decoder's STATUS records.
    assert IDLE_TIMEOUT_S == {"rmonitor": 30.0, "p3": 60.0}


@pytest.fixture
def full_backlog() -> Iterator[int]:
    """A port whose listen queue is full: the kernel drops further SYNs, so a connect hangs
    as it does to a blackholed timing PC."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    time.sleep(0.1)
    yield port
    for filler in fillers:
        filler.close()
    server.close()


@pytest.mark.django_db(transaction=True)
async def test_a_host_that_never_answers_is_given_up_after_the_connect_timeout(
    full_backlog: int,
) -> None:
    session = await sync_to_async(create_live_session)(name="Live 1")
    started = time.monotonic()
    stats = await bounded(
        ingest(
            session_id=session.pk,
            host="127.0.0.1",
            port=full_backlog,
            format="rmonitor",
            max_connections=2,
            initial_backoff_s=0.001,
            connect_timeout_s=0.3,
        )
    )
    assert stats.connect_timeouts == 2 and stats.failures == 2
    assert time.monotonic() - started < 5


def test_keepalive_is_switched_on_with_short_probes() -> None:
    with socket.socket() as sock:
        enable_keepalive(sock)
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        if hasattr(socket, "TCP_KEEPIDLE"):
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 10


@pytest.fixture
def silent_timing_pc() -> Iterator[int]:
    """The silent server in its own thread, for the management command."""
    port = free_port()
    loop = asyncio.new_event_loop()
    server, _ = loop.run_until_complete(silent_server(port, GREETING))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield port
    loop.call_soon_threadsafe(loop.stop)
    thread.join()
    server.close()
    loop.run_until_complete(server.wait_closed())
    loop.close()


@pytest.mark.django_db(transaction=True)
def test_the_command_takes_an_idle_timeout_and_an_encoding(
    silent_timing_pc: int, capsys: pytest.CaptureFixture[str]
) -> None:
    session = create_live_session(name="Live 1")
    call_command(
        "live_ingest",
        str(session.pk),
        "--rmonitor",
        f"127.0.0.1:{silent_timing_pc}",
        "--encoding",
        "gb18030",
        "--idle-timeout",
        "0.2",
        "--max-connections",
        "2",
    )
    session.refresh_from_db()
    assert session.feed_encoding == "gb18030"
    assert [row["name"] for row in session.snapshot["rows"]] == ["红牛车队"]
    # Both connections were closed for silence; the second greeting changed nothing on the board.
    stopped = gettext(
        "Stopped after %(connections)s connections (%(idle)s closed for silence), "
        "%(changes)s changes."
    ) % {"connections": 2, "idle": 2, "changes": 1}
    assert stopped in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0", "-3", "100000"])
def test_the_command_refuses_a_bad_idle_timeout(value: str) -> None:
    session = create_live_session(name="Live 1")
    with pytest.raises(CommandError):
        call_command(
            "live_ingest", str(session.pk), "--p3", "127.0.0.1:5403", "--idle-timeout", value
        )
