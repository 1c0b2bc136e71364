"""A timing record whose change the database refuses is rolled back, counted and skipped: the TCP
ingest goes on and the records after it reach the board (issue 12, F1)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from asgiref.sync import sync_to_async
from django.db import connection

from live.feeds.ingest import IngestStats, ingest
from live.models import LiveSession
from live.services.timing import create_live_session
from tests.live.test_live_ingest_reconnects_with_back_off import free_port, serve

GOOD = b'$A,"8","8",2,"Wang","Fang","",1\r\n$C,1,"GT3"\r\n'
LATER = (
    b'$J,"8","00:01:02.000","00:01:02.000"\r\n$F,9,"00:10:00","10:00:00","00:01:02","Green "\r\n'
)


async def run_ingest(
    session: LiveSession, payloads: list[bytes]
) -> tuple[LiveSession, IngestStats]:
    port = free_port()
    server, _ = await serve(port, payloads)
    async with server:
        stats = await ingest(
            session_id=session.pk,
            host="127.0.0.1",
            port=port,
            format="rmonitor",
            max_connections=len(payloads),
            initial_backoff_s=0.001,
        )
    await sync_to_async(session.refresh_from_db)()
    return session, stats


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
async def test_a_nul_byte_in_a_name_leaves_the_later_records_on_the_board() -> None:
    session = await sync_to_async(create_live_session)(name="Live 1")
    # PostgreSQL refuses U+0000 in jsonb; a timing PC resends `$A` on every reconnect.
    bad = b'$A,"7","7",1,"Li\x00","Na","",1\r\n'
    session, stats = await run_ingest(session, [bad + GOOD, bad + LATER])

    rows = {row["number"]: row for row in session.snapshot["rows"]}
    assert rows["8"]["name"] == "Wang Fang"
    assert (rows["8"]["laps"], rows["8"]["last_lap_ms"]) == (1, 62_000)
    assert session.snapshot["flag"] == "green"
    assert stats.connections == 2


@pytest.fixture
def database_refuses_a_name(transactional_db: None) -> Iterator[str]:
    """The live session table refuses any snapshot that shows this name: a real refusal by the
    database, whatever the parsers let through."""
    name = "Refused"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE live_livesession ADD CONSTRAINT test_refuses_a_name "
                f"CHECK (position('{name}' in snapshot::text) = 0)"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER test_refuses_a_name BEFORE UPDATE ON live_livesession "
                f"WHEN instr(NEW.snapshot, '{name}') > 0 "
                "BEGIN SELECT RAISE(ABORT, 'refused name'); END"
            )
    yield name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE live_livesession DROP CONSTRAINT test_refuses_a_name")
        else:
            cursor.execute("DROP TRIGGER test_refuses_a_name")


@pytest.mark.django_db(transaction=True)
async def test_a_change_the_database_refuses_is_counted_and_skipped(
    database_refuses_a_name: str,
) -> None:
    session = await sync_to_async(create_live_session)(name="Live 1")
    bad = f'$A,"7","7",1,"{database_refuses_a_name}","Driver","",1\r\n'.encode()
    # The refused record shares a socket read with good ones, and comes again after a reconnect.
    session, stats = await run_ingest(session, [bad + GOOD, bad + LATER])

    rows = {row["number"]: row for row in session.snapshot["rows"]}
    assert rows["8"]["name"] == "Wang Fang"
    assert (rows["8"]["laps"], rows["8"]["last_lap_ms"]) == (1, 62_000)
    assert session.snapshot["flag"] == "green"
    assert database_refuses_a_name not in str(session.snapshot)
    assert stats.failed == 2 == session.rejected_records
    # The raw feed is kept whole, refused record included, for replays.
    chunks = await sync_to_async(
        lambda: b"".join(bytes(c) for c in session.feed_chunks.values_list("data", flat=True))
    )()
    assert chunks == bad + GOOD + bad + LATER
