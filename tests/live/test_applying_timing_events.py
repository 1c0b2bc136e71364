"""The live service applies a batch of timing events as one numbered change, stores the snapshot
and the delta, and publishes after commit."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from live.engine.standings import apply_delta
from live.engine.timing import Competitor, Heartbeat, LapPassing
from live.exceptions import SessionFinished
from live.fanout import frames, publish
from live.models import LiveDelta, LiveSession
from live.services.timing import apply_timing_events, create_live_session, finish_live_session

CAR = Competitor(reg_no="7", number="7", first_name="Li", last_name="Na")


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, dict[str, Any]]]:
    sent: list[tuple[int, dict[str, Any]]] = []
    real = publish.publish

    def record(session_id: int, message: dict[str, Any]) -> None:
        sent.append((session_id, message))
        real(session_id, message)

    monkeypatch.setattr(publish, "publish", record)
    return sent


@pytest.mark.django_db
def test_a_change_increments_seq_and_stores_snapshot_and_delta(
    django_capture_on_commit_callbacks: Any, published: list[Any]
) -> None:
    session = create_live_session(name="Race 1")
    with django_capture_on_commit_callbacks(execute=True):
        seq = apply_timing_events(
            session_id=session.pk, events=[CAR, LapPassing("7", 60_000, 60_000)]
        )
    session.refresh_from_db()
    assert seq == session.seq == 1
    assert session.status == LiveSession.Status.LIVE
    assert session.snapshot["seq"] == 1
    assert session.snapshot["rows"][0]["last_lap_ms"] == 60_000
    delta = LiveDelta.objects.get(session=session)
    assert delta.seq == 1 and delta.payload["type"] == "delta"
    assert published == [(session.pk, delta.payload)]


@pytest.mark.django_db
def test_nothing_is_published_before_commit_or_after_a_rollback(
    django_capture_on_commit_callbacks: Any, published: list[Any]
) -> None:
    session = create_live_session(name="Race 1")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        apply_timing_events(session_id=session.pk, events=[CAR])
        assert published == []
    assert len(callbacks) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        apply_timing_events(session_id=session.pk, events=[Heartbeat(1, None, None, 1000, "green")])
        raise RuntimeError("rolled back")
    session.refresh_from_db()
    assert session.seq == 1 and published == []


@pytest.mark.django_db
def test_a_batch_that_changes_nothing_keeps_the_seq() -> None:
    session = create_live_session(name="Race 1")
    apply_timing_events(session_id=session.pk, events=[CAR])
    assert apply_timing_events(session_id=session.pk, events=[CAR]) is None
    session.refresh_from_db()
    assert session.seq == 1 and LiveDelta.objects.filter(session=session).count() == 1


@pytest.mark.django_db
def test_the_stored_snapshot_plus_later_deltas_equals_the_current_snapshot() -> None:
    session = create_live_session(name="Race 1")
    apply_timing_events(session_id=session.pk, events=[CAR])
    session.refresh_from_db()
    early = session.snapshot
    for lap in range(1, 6):
        apply_timing_events(
            session_id=session.pk,
            events=[
                LapPassing("7", 60_000 - lap, lap * 60_000),
                Heartbeat(10 - lap, None, None, lap, "green"),
            ],
        )
    session.refresh_from_db()
    board = early
    for delta in LiveDelta.objects.filter(session=session, seq__gt=early["seq"]).order_by("seq"):
        board = apply_delta(board, delta.payload)
    assert board == session.snapshot and board["seq"] == 6


@pytest.mark.django_db
def test_raw_feed_is_kept_and_bad_records_are_counted() -> None:
    session = create_live_session(name="Race 1")
    apply_timing_events(
        session_id=session.pk, events=[CAR], raw=b"$A,...\r\n", raw_format="rmonitor", rejected=2
    )
    session.refresh_from_db()
    assert session.rejected_records == 2
    assert bytes(session.feed_chunks.get().data) == b"$A,...\r\n"


@pytest.mark.django_db
def test_a_finished_session_takes_no_more_timing() -> None:
    session = create_live_session(name="Race 1")
    finish_live_session(session_id=session.pk)
    with pytest.raises(SessionFinished):
        apply_timing_events(session_id=session.pk, events=[CAR])


@pytest.mark.django_db
def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="mode"):
        create_live_session(name="Race 1", mode="sprint")


@pytest.mark.django_db(transaction=True)
async def test_the_delta_reaches_the_channel_layer_after_commit() -> None:
    session = await sync_to_async(create_live_session)(name="Race 1")
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(frames.group_name(session.pk), channel)
    await sync_to_async(apply_timing_events)(session_id=session.pk, events=[CAR])
    message = await layer.receive(channel)
    assert message["seq"] == 1 and '"seq":1' in message["text"]
    await layer.group_discard(frames.group_name(session.pk), channel)
