"""Staff give an unknown transponder's row a number, a name and a class on the organizer page; a
connected spectator gets one delta with them, and a fresh snapshot (API and socket) equals the
snapshot the spectator started from plus the deltas it received."""

from __future__ import annotations

import json
from typing import Any

from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse

from events.models import AuditLog
from live.engine.standings import apply_delta
from live.engine.timing import TransponderPassing
from live.models import LiveSession, LiveTransponder
from live.services.timing import apply_timing_events
from tests.live.conftest import spectator

UNKNOWN = 5691251


def passing(n: int, transponder: int = UNKNOWN) -> TransponderPassing:
    return TransponderPassing(passing_no=n, transponder=transponder, time_us=n * 50_000_000)


async def frame(socket: Any) -> dict[str, Any]:
    return json.loads(await socket.receive_from(timeout=5))


async def test_a_renamed_row_reaches_a_connected_spectator_as_one_delta(
    transactional_db: None, channel_layer: Any, p3_live: LiveSession, staff_member: Any
) -> None:
    apply = database_sync_to_async(apply_timing_events)
    await apply(session_id=p3_live.pk, events=[passing(1), passing(2, 3292480)])
    await apply(session_id=p3_live.pk, events=[passing(3), passing(4, 3292480)])
    mapping = await LiveTransponder.objects.aget(session=p3_live, transponder=UNKNOWN)
    organization = await database_sync_to_async(lambda: p3_live.event_session.event.organization)()
    client = Client()
    await database_sync_to_async(client.force_login)(staff_member)
    url = reverse("live:transponder-edit", args=[organization.slug, p3_live.pk, mapping.pk])

    async with spectator(p3_live.pk) as socket:
        start = await frame(socket)
        assert start.pop("type") == "snapshot"
        before = {row["key"]: row for row in start["rows"]}[f"t{UNKNOWN}"]
        assert (before["number"], before["name"], before["class"]) == (str(UNKNOWN), "", "")

        response = await database_sync_to_async(client.post)(
            url,
            {
                f"m{mapping.pk}-number": " 17 ",
                f"m{mapping.pk}-name": "  Li Na Racing ",
                f"m{mapping.pk}-class_name": "Rotax Max",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 302
        delta = await frame(socket)
        assert delta["type"] == "delta" and delta["seq"] == start["seq"] + 1
        changed = {row["key"]: row for row in delta["rows"]}
        # Trimmed; the other unknown car is now alone (first) in the class with no name.
        assert changed[f"t{UNKNOWN}"] == {
            "key": f"t{UNKNOWN}",
            "number": "17",
            "name": "Li Na Racing",
            "class": "Rotax Max",
        }
        board = apply_delta(start, delta)

    async with spectator(p3_live.pk) as late:
        fresh_socket = await frame(late)
        fresh_socket.pop("type")
    api = await database_sync_to_async(Client().get)(f"/api/live/sessions/{p3_live.pk}/")

    assert api.status_code == 200
    assert api.json() == fresh_socket == board
    row = {row["key"]: row for row in board["rows"]}[f"t{UNKNOWN}"]
    assert (row["number"], row["name"], row["class"], row["laps"]) == (
        "17",
        "Li Na Racing",
        "Rotax Max",
        1,
    )
    # The other unknown car is untouched, and the change is in the event's audit log.
    assert {row["key"]: row for row in board["rows"]}["t3292480"]["name"] == ""
    audit = await AuditLog.objects.select_related("actor").aget(action="live_transponder")
    assert audit.actor == staff_member
    assert audit.event_id == organization_event_id(p3_live)
    assert "17 / Li Na Racing / Rotax Max" in audit.detail


def organization_event_id(live: LiveSession) -> int:
    return live.event_session.event_id  # type: ignore[union-attr]


async def test_a_later_crossing_keeps_the_name_and_publishes_no_stale_row(
    transactional_db: None, channel_layer: Any, p3_live: LiveSession, staff_member: Any
) -> None:
    apply = database_sync_to_async(apply_timing_events)
    await apply(session_id=p3_live.pk, events=[passing(1)])
    mapping = await LiveTransponder.objects.aget(session=p3_live, transponder=UNKNOWN)
    organization = await database_sync_to_async(lambda: p3_live.event_session.event.organization)()
    client = Client()
    await database_sync_to_async(client.force_login)(staff_member)
    url = reverse("live:transponder-edit", args=[organization.slug, p3_live.pk, mapping.pk])

    async with spectator(p3_live.pk) as socket:
        board = await frame(socket)
        board.pop("type")
        await database_sync_to_async(client.post)(
            url, {f"m{mapping.pk}-number": "17", f"m{mapping.pk}-name": "Li Na"}
        )
        await apply(session_id=p3_live.pk, events=[passing(2)])
        for _ in range(2):
            board = apply_delta(board, await frame(socket))

    await database_sync_to_async(p3_live.refresh_from_db)()
    assert board == {**p3_live.snapshot, "seq": p3_live.seq}
    (row,) = board["rows"]
    assert (row["number"], row["name"], row["laps"]) == ("17", "Li Na", 1)
