"""With the in-memory layer (the embedded default), a delta stored by another process, such as the
demo's simulator, still reaches the board: the hub picks it up from the database."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async

from live.fanout import hub
from live.fanout.hub import get_hub
from live.fanout.publish import publish
from live.models import LiveDelta, LiveSession
from tests.live.conftest import spectator


def store_delta_elsewhere(session: LiveSession, seq: int) -> dict:
    """What the ingest service in another process leaves behind: the delta row and the new seq."""
    message = {"type": "delta", "seq": seq, "fields": {"flag": "yellow"}}
    LiveDelta.objects.create(session=session, seq=seq, payload=message)
    LiveSession.objects.filter(pk=session.pk).update(seq=seq)
    return message


@pytest.fixture
def fast_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hub, "DATABASE_POLL_SECONDS", 0.02)


async def test_a_delta_from_another_process_arrives_once_and_in_order(
    make_live_session, channel_layer, fast_poll
) -> None:
    session = await sync_to_async(make_live_session)(seq=1)

    async with spectator(session.pk) as socket:
        assert json.loads(await socket.receive_from())["seq"] == 1
        for seq in (2, 3):
            await sync_to_async(store_delta_elsewhere)(session, seq)
        polled = [json.loads(await socket.receive_from()) for _ in range(2)]

        # Stored and published in this process as well: still one frame.
        message = await sync_to_async(store_delta_elsewhere)(session, 4)
        await sync_to_async(publish)(session.pk, message)
        published = json.loads(await socket.receive_from())
        assert await socket.receive_nothing(timeout=0.2)

    assert [(frame["type"], frame["seq"]) for frame in polled] == [("delta", 2), ("delta", 3)]
    assert polled[0]["fields"] == {"flag": "yellow"}
    assert published["seq"] == 4
    # 2 and 3 came only from the database; 4 from whichever path was first, and only once.
    assert get_hub().stats.frames_polled in (2, 3)


async def test_the_poll_leaves_the_database_alone_while_frames_come_through_the_layer(
    make_live_session, channel_layer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process that publishes a session itself does not also read its seq twice a second
    (on a quiet board that read cost more than the frames); once the layer is quiet, it reads."""
    monkeypatch.setattr(hub, "DATABASE_POLL_SECONDS", 0.1)
    session = await sync_to_async(make_live_session)(seq=1)
    stats = get_hub().stats
    loop = asyncio.get_running_loop()

    async with spectator(session.pk) as socket:
        assert json.loads(await socket.receive_from())["seq"] == 1
        polls_before = stats.database_polls
        seq, until = 1, loop.time() + 1.0
        while loop.time() < until:  # ten poll intervals, each with several frames
            seq += 1
            message = await sync_to_async(store_delta_elsewhere)(session, seq)
            await sync_to_async(publish)(session.pk, message)
            assert json.loads(await socket.receive_from())["seq"] == seq
            await asyncio.sleep(0.01)
        polls_while_publishing = stats.database_polls - polls_before
        await asyncio.sleep(0.6)
        polls_when_quiet = stats.database_polls - polls_before - polls_while_publishing

    assert polls_while_publishing <= 3
    assert polls_when_quiet >= 2
