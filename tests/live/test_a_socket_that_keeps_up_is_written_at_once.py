"""The outbox writes to a socket that keeps up inside the hub's own loop, with no task per socket,
and falls back to a queue and a writer only while a send has to wait."""

from __future__ import annotations

import asyncio
from typing import Any

from live.fanout.hub import LAGGING_CLOSE_CODE, MAX_BACKLOG, Outbox


def frame(seq: int) -> dict[str, Any]:
    return {"type": "websocket.send", "text": f'{{"seq":{seq}}}'}


class Socket:
    """An ASGI send whose writes wait while `writable` is clear, like a server's flow control."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.writable = asyncio.Event()
        self.writable.set()
        self.cancelled = False

    async def send(self, event: dict[str, Any]) -> None:
        try:
            await self.writable.wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        self.events.append(event)

    def seqs(self) -> list[int]:
        return [int(event["text"][7:-1]) for event in self.events if "text" in event]


def started(socket: Socket, *, sent_seq: int = 0, dropped: list[Outbox] | None = None) -> Outbox:
    on_lagging = dropped.append if dropped is not None else (lambda _: None)
    outbox = Outbox(socket.send, on_lagging=on_lagging)
    outbox.start(sent_seq=sent_seq)
    return outbox


async def test_a_socket_that_keeps_up_has_the_frame_before_deliver_returns() -> None:
    sockets = [Socket() for _ in range(200)]
    outboxes = [started(socket) for socket in sockets]
    tasks_before = len(asyncio.all_tasks())

    for outbox in outboxes:
        outbox.deliver(1, frame(1))

    # No await in between: every write happened inside deliver, and no task was made for it.
    assert all(socket.seqs() == [1] for socket in sockets)
    assert len(asyncio.all_tasks()) == tasks_before


async def test_a_send_that_waits_is_finished_later_and_what_came_meanwhile_follows_in_order() -> (
    None
):
    slow, quick = Socket(), Socket()
    slow_box, quick_box = started(slow), started(quick)
    slow.writable.clear()

    for seq in range(1, 6):
        slow_box.deliver(seq, frame(seq))
        quick_box.deliver(seq, frame(seq))
    await asyncio.sleep(0)

    assert quick.seqs() == [1, 2, 3, 4, 5]
    assert slow.seqs() == []

    slow.writable.set()
    for _ in range(20):
        await asyncio.sleep(0)
    assert slow.seqs() == [1, 2, 3, 4, 5]

    # Caught up again: the next frame is written at once, as for any socket that keeps up.
    slow_box.deliver(6, frame(6))
    assert slow.seqs() == [1, 2, 3, 4, 5, 6]
    assert not slow_box.closed and not slow_box.lagging


async def test_a_socket_stuck_in_a_send_is_told_to_resync_once_too_far_behind() -> None:
    stuck = Socket()
    dropped: list[Outbox] = []
    outbox = started(stuck, dropped=dropped)
    stuck.writable.clear()

    for seq in range(1, MAX_BACKLOG + 3):
        outbox.deliver(seq, frame(seq))
    assert dropped == [outbox] and outbox.lagging

    stuck.writable.set()
    for _ in range(20):
        await asyncio.sleep(0)
    # The send that was waiting completes, the backlog is dropped, the close goes out.
    assert stuck.seqs() == [1]
    assert stuck.events[-1] == {"type": "websocket.close", "code": LAGGING_CLOSE_CODE}
    assert outbox.closed


async def test_closing_cancels_a_send_that_is_still_waiting() -> None:
    stuck = Socket()
    outbox = started(stuck)
    stuck.writable.clear()
    outbox.deliver(1, frame(1))
    await asyncio.sleep(0)

    await asyncio.wait_for(outbox.aclose(), 1)

    assert stuck.cancelled
    assert outbox.closed
    outbox.deliver(2, frame(2))
    assert stuck.events == []


async def test_a_failing_send_closes_the_outbox_without_raising_into_the_hub() -> None:
    attempts: list[dict[str, Any]] = []

    async def gone(event: dict[str, Any]) -> None:
        attempts.append(event)
        raise ConnectionResetError("client went away")

    outbox = Outbox(gone, on_lagging=lambda _: None)
    outbox.start(sent_seq=0)

    outbox.deliver(1, frame(1))
    outbox.deliver(2, frame(2))

    assert outbox.closed
    assert attempts == [frame(1)]


async def test_a_send_that_fails_after_waiting_closes_the_outbox() -> None:
    writable = asyncio.Event()

    async def drops_while_waiting(event: dict[str, Any]) -> None:
        await writable.wait()
        raise ConnectionResetError("client went away")

    outbox = Outbox(drops_while_waiting, on_lagging=lambda _: None)
    outbox.start(sent_seq=0)
    outbox.deliver(1, frame(1))
    outbox.deliver(2, frame(2))
    writable.set()
    for _ in range(20):
        await asyncio.sleep(0)

    assert outbox.closed


async def test_a_send_returning_a_plain_awaitable_still_delivers_in_order() -> None:
    loop = asyncio.get_running_loop()
    events: list[dict[str, Any]] = []

    def send(event: dict[str, Any]) -> asyncio.Future[None]:
        done: asyncio.Future[None] = loop.create_future()
        loop.call_soon(lambda: (events.append(event), done.set_result(None)))
        return done

    outbox = Outbox(send, on_lagging=lambda _: None)
    outbox.start(sent_seq=0)
    for seq in (1, 2, 3):
        outbox.deliver(seq, frame(seq))
    for _ in range(20):
        await asyncio.sleep(0)

    assert events == [frame(1), frame(2), frame(3)]


async def test_frames_before_start_wait_for_the_snapshot_and_skip_what_it_covers() -> None:
    socket = Socket()
    outbox = Outbox(socket.send, on_lagging=lambda _: None)
    for seq in (4, 5, 6):
        outbox.deliver(seq, frame(seq))
    assert socket.events == []

    outbox.start(sent_seq=5)
    for _ in range(10):
        await asyncio.sleep(0)
    outbox.deliver(7, frame(7))

    assert socket.seqs() == [6, 7]
