from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
from channels.layers import channel_layers, get_channel_layer
from channels.testing.websocket import WebsocketCommunicator
from django.utils import timezone

from events.models import Event, Session
from live.models import LiveDelta, LiveSession
from live.services.timing import create_live_session

ORIGIN = b"http://testserver"


@pytest.fixture
async def channel_layer(settings: Any) -> AsyncIterator[object]:
    """The in-memory layer, emptied before and after so groups never leak between tests.

    These tests look inside the hub and count group memberships, and they publish bursts right
    after subscribing: Redis pub/sub subscribes asynchronously, so a burst could be lost before
    the subscription is live, which the protocol recovers from with a snapshot but an exact
    count cannot. Redis is covered end to end by the two-process test.
    """
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    layer = get_channel_layer()
    await layer.flush()
    yield layer
    await layer.flush()
    channel_layers.backends.clear()


@pytest.fixture
def make_live_session(transactional_db: None) -> Callable[..., LiveSession]:
    """A live session with a snapshot and, optionally, stored deltas 1..seq (minus `missing`)."""

    def make(
        *, seq: int = 0, rows: list[dict[str, Any]] | None = None, missing: tuple[int, ...] = ()
    ) -> LiveSession:
        session = LiveSession.objects.create(name="Sprint race", mode="race", seq=seq)
        session.snapshot = {"seq": seq, "flag": "green", "rows": rows or []}
        session.save(update_fields=["snapshot"])
        LiveDelta.objects.bulk_create(
            LiveDelta(session=session, seq=n, payload={"type": "delta", "seq": n, "flag": "green"})
            for n in range(1, seq + 1)
            if n not in missing
        )
        return session

    return make


@asynccontextmanager
async def spectator(session_id: int, query: str = "") -> AsyncIterator[WebsocketCommunicator]:
    """A spectator socket through the project's real ASGI routing."""
    from config.asgi import application

    path = f"/ws/live/sessions/{session_id}/" + (f"?{query}" if query else "")
    communicator = WebsocketCommunicator(application, path, headers=[(b"origin", ORIGIN)])
    connected, _ = await communicator.connect()
    assert connected
    try:
        yield communicator
    finally:
        await communicator.disconnect()


@pytest.fixture
def club_race(organization: Any) -> Session:
    """A published event of `organization` with one race session, a few days ahead."""
    starts = timezone.now() + timedelta(days=3)
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
        starts_at=starts + timedelta(hours=2),
        ends_at=starts + timedelta(hours=3),
    )


@pytest.fixture
def p3_live(club_race: Any) -> LiveSession:
    """A live session of `club_race` timed by a P3 decoder, not started yet."""
    return create_live_session(
        name="Club Cup · Final", source=LiveSession.Source.P3, event_session=club_race
    )
