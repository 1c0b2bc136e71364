"""`live_ingest` reads a timing system over TCP, survives drops and refusals, and backs off."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections.abc import Iterator

import pytest
from asgiref.sync import sync_to_async
from django.core.management import CommandError, call_command

from live.feeds.adapters.p3 import PASSING, encode_frame
from live.feeds.ingest import backoff_delays, ingest
from live.models import LiveSession
from live.services.timing import create_live_session, finish_live_session

FIRST = b'$A,"7","7",1,"Li","Na","",1\r\n$C,1,"GT3"\r\n$J,"7","00:01:00.000","00:01:00.0'
SECOND = b'$J,"7","00:01:01.000","00:02:01.000"\r\nnot a record\r\n$F,9,"00:10:00","10:00:00","00:02:01","Green "\r\n'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def serve(port: int, payloads: list[bytes]) -> tuple[asyncio.Server, list[int]]:
    """A timing PC that sends one payload per connection, then hangs up."""
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(len(connections))
        writer.write(payloads[min(len(connections) - 1, len(payloads) - 1)])
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    return server, connections


def test_back_off_doubles_up_to_its_ceiling() -> None:
    delays = backoff_delays(0.5, 4.0)
    assert [next(delays) for _ in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


@pytest.mark.django_db(transaction=True)
async def test_a_dropped_connection_is_reopened_and_the_feed_applied() -> None:
    session = await sync_to_async(create_live_session)(name="Live 1")
    port = free_port()
    server, connections = await serve(port, [FIRST, SECOND, b""])
    async with server:
        stats = await ingest(
            session_id=session.pk,
            host="127.0.0.1",
            port=port,
            format="rmonitor",
            max_connections=2,
            initial_backoff_s=0.001,
        )
    await sync_to_async(session.refresh_from_db)()
    assert len(connections) == 2 and stats.connections == 2
    # The half line at the end of the first connection is counted and lost; the rest applies.
    row = session.snapshot["rows"][0]
    assert (row["number"], row["class"], row["laps"], row["last_lap_ms"]) == ("7", "GT3", 1, 61_000)
    assert session.snapshot["flag"] == "green"
    assert stats.rejected == session.rejected_records == 2
    assert stats.delays == [0.001, 0.001]  # reset after each connection that delivered data


@pytest.mark.django_db(transaction=True)
async def test_a_refused_connection_backs_off_exponentially_without_crashing() -> None:
    session = await sync_to_async(create_live_session)(name="Live 1")
    stats = await ingest(
        session_id=session.pk,
        host="127.0.0.1",
        port=free_port(),
        format="p3",
        max_connections=4,
        initial_backoff_s=0.001,
    )
    assert stats.failures == 4
    assert stats.delays == [0.001, 0.002, 0.004, 0.008]


@pytest.mark.django_db(transaction=True)
async def test_p3_over_tcp_maps_a_transponder_to_an_ad_hoc_row() -> None:
    session = await sync_to_async(create_live_session)(name="Kart heat", min_lap_ms=10_000)
    frames = b"".join(
        encode_frame(
            PASSING,
            [
                (0x01, n.to_bytes(4, "little")),
                (0x03, (4242).to_bytes(4, "little")),
                (0x04, (n * 45_000_000).to_bytes(8, "little")),
            ],
        )
        for n in (1, 2, 3)
    )
    port = free_port()
    # The first connection drops in the middle of the first frame: that passing is lost.
    server, _ = await serve(port, [frames[:20], frames[20:]])
    async with server:
        stats = await ingest(
            session_id=session.pk,
            host="127.0.0.1",
            port=port,
            format="p3",
            max_connections=2,
            initial_backoff_s=0.001,
        )
    await sync_to_async(session.refresh_from_db)()
    (row,) = session.snapshot["rows"]
    assert (row["number"], row["laps"], row["last_lap_ms"]) == ("4242", 1, 45_000)
    # Counted twice: the cut frame on the first connection, its tail on the second.
    assert stats.connections == 2 and stats.rejected == 2
    mapped = await sync_to_async(
        lambda: list(session.transponders.values_list("transponder", "number"))
    )()
    assert mapped == [(4242, "4242")]


@pytest.mark.django_db(transaction=True)
async def test_ingest_stops_cleanly_when_staff_finish_the_session() -> None:
    session = await sync_to_async(create_live_session)(name="Live 1")
    await sync_to_async(finish_live_session)(session_id=session.pk)
    port = free_port()
    server, connections = await serve(port, [FIRST + SECOND])
    async with server:
        stats = await ingest(
            session_id=session.pk,
            host="127.0.0.1",
            port=port,
            format="rmonitor",
            initial_backoff_s=0.001,
        )
    assert stats.finished and len(connections) == 1 and stats.delays == []


@pytest.fixture
def timing_pc() -> Iterator[int]:
    """A local asyncio TCP server in its own thread, for the management command."""
    port = free_port()
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    async def main() -> asyncio.Server:
        server, _ = await serve(port, [FIRST.rsplit(b"$J", 1)[0] + SECOND])
        ready.set()
        return server

    server = loop.run_until_complete(main())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    ready.wait()
    yield port
    loop.call_soon_threadsafe(loop.stop)
    thread.join()
    server.close()
    loop.run_until_complete(server.wait_closed())
    loop.close()


@pytest.mark.django_db(transaction=True)
def test_the_command_reads_the_feed_into_the_session(
    timing_pc: int, capsys: pytest.CaptureFixture[str]
) -> None:
    session = create_live_session(name="Live 1")
    call_command(
        "live_ingest",
        str(session.pk),
        "--rmonitor",
        f"127.0.0.1:{timing_pc}",
        "--max-connections",
        "1",
    )
    session.refresh_from_db()
    assert session.seq >= 1
    assert session.snapshot["rows"][0]["last_lap_ms"] == 61_000
    assert LiveSession.objects.get(pk=session.pk).feed_chunks.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["nohost", "host:", "host:99999", ":50000"])
def test_the_command_refuses_a_bad_address(address: str) -> None:
    session = create_live_session(name="Live 1")
    # The message is in the site language (zh-hans by default) and quotes what was given.
    with pytest.raises(CommandError, match=re.escape(repr(address))):
        call_command("live_ingest", str(session.pk), "--rmonitor", address)


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_session() -> None:
    with pytest.raises(CommandError):
        call_command("live_ingest", "999999", "--p3", "127.0.0.1:5403")
