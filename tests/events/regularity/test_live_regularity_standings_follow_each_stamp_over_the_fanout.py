"""Each sync of a marshal's stamps rescores the rally and publishes the change as a numbered delta
of the route's live session, on the same fan-out as timed races: the stored snapshot equals the
first snapshot plus every delta, and a spectator's channel receives the frames."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.test import Client
from django.urls import reverse

from events.models import Control, Route
from live.engine.standings import apply_delta
from live.fanout.frames import group_name
from live.models import LiveDelta, LiveSession


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks: Any) -> Iterator[None]:
    """Each request's after-commit work runs, as it would outside the test's transaction."""
    global capture
    capture = django_capture_on_commit_callbacks
    yield


capture: Any = None


def send(control: Control, number: int, seconds: float) -> None:
    due = control.route.standard_start + timedelta(minutes=number)
    at_ms = round((due + timedelta(seconds=seconds)).timestamp() * 1000)
    with capture(execute=True):
        response = Client().post(
            reverse("events:control-sync", kwargs={"token": control.token}),
            data=json.dumps(
                {"stamps": [{"key": str(uuid.uuid4()), "number": number, "at_ms": at_ms}]}
            ),
            content_type="application/json",
        )
    assert response.status_code == 200


def test_each_stamp_is_a_delta_and_the_deltas_rebuild_the_board(
    rally: Route, control: Callable[[str], Control]
) -> None:
    for number in (1, 2, 3):
        send(control("S"), number, 0)
    live = LiveSession.objects.get(event_session=rally.session, source=LiveSession.Source.CONTROLS)
    send(control("SC1"), 3, 15 * 60 + 9)
    send(control("SC1"), 1, 15 * 60 + 2)
    live.refresh_from_db()
    deltas = list(
        LiveDelta.objects.filter(session=live).order_by("seq").values_list("payload", flat=True)
    )
    assert [d["seq"] for d in deltas] == list(range(1, live.seq + 1))
    board: dict = {"rows": []}
    for delta in deltas:
        board = apply_delta(board, delta)
    assert board["rows"] == live.snapshot["rows"]
    assert [(row["number"], row["penalty"]) for row in board["rows"]] == [
        ("2", "0.0"),
        ("1", "2.0"),
        ("3", "9.0"),
    ]


def test_a_spectator_channel_receives_the_new_standings(
    rally: Route, control: Callable[[str], Control]
) -> None:
    start = control("S")
    send(start, 1, 0)
    live = LiveSession.objects.get(event_session=rally.session)

    async def listen() -> dict[str, Any]:
        # One loop for the whole exchange: a Redis layer's channel lives in the loop that made it.
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(group_name(live.pk), channel)
        await sync_to_async(send)(start, 2, 0)
        return await asyncio.wait_for(layer.receive(channel), timeout=10)

    frame = async_to_sync(listen)()
    assert frame["seq"] == live.seq + 1
    assert json.loads(frame["text"])["type"] == "delta"


def test_the_standings_page_follows_the_live_socket(
    client: Client, rally: Route, control: Callable[[str], Control]
) -> None:
    event = rally.session.event
    url = reverse(
        "events:regularity-standings", kwargs={"slug": event.slug, "session_id": rally.session_id}
    )
    assert "data-socket" not in client.get(url).content.decode()
    send(control("S"), 1, 0)
    live = LiveSession.objects.get(event_session=rally.session)
    assert f'data-socket="/ws/live/sessions/{live.pk}/"' in client.get(url).content.decode()
    home = client.get(reverse("events:event-detail", kwargs={"slug": event.slug})).content.decode()
    assert url in home  # "Live now" leads to the standings, not to a lap board
