"""Django's ASGI handler gives every request a thread of its own; config.middleware.
ConcurrentRequestLimit lets at most PADDOCK_HTTP_CONCURRENCY HTTP requests of a process into it at
once, the others waiting in the event loop. A body still arriving holds no turn; WebSockets are
never counted; and every request is answered, with its whole body."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from django.core.asgi import get_asgi_application

from config.asgi import application
from config.middleware import ConcurrentRequestLimit


class Counting:
    """An ASGI app that notes how many calls are inside it at once and echoes the body."""

    def __init__(self, hold: float = 0.02) -> None:
        self.inside = 0
        self.most = 0
        self.hold = hold
        self.release = asyncio.Event()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.inside += 1
        self.most = max(self.most, self.inside)
        try:
            body = b""
            if scope["type"] == "http":
                while True:
                    message = await receive()
                    body += message.get("body", b"")
                    if not message.get("more_body"):
                        break
            if self.hold:
                await asyncio.sleep(self.hold)
            else:
                await self.release.wait()
            if scope["type"] == "http":
                await send({"type": "http.response.start", "status": 200, "headers": []})
                await send({"type": "http.response.body", "body": body})
        finally:
            self.inside -= 1


def http_scope() -> dict[str, Any]:
    return {"type": "http", "method": "POST", "path": "/", "headers": []}


async def call(app: Any, scope: dict[str, Any], chunks: list[bytes]) -> tuple[int, bytes]:
    messages = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await asyncio.Event().wait()  # no disconnect: the client waits for its answer
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


async def test_at_most_the_limit_is_inside_django_and_every_request_is_answered(
    settings: Any,
) -> None:
    settings.PADDOCK_HTTP_CONCURRENCY = 3
    inner = Counting()
    limited = ConcurrentRequestLimit(inner)

    answers = await asyncio.gather(
        *(call(limited, http_scope(), [b"entry=", str(i).encode()]) for i in range(12))
    )

    assert inner.most == 3
    assert answers == [(200, f"entry={i}".encode()) for i in range(12)]


async def test_zero_means_no_bound(settings: Any) -> None:
    settings.PADDOCK_HTTP_CONCURRENCY = 0
    inner = Counting()

    await asyncio.gather(
        *(call(ConcurrentRequestLimit(inner), http_scope(), [b""]) for _ in range(6))
    )

    assert inner.most == 6


async def test_a_body_still_arriving_holds_no_turn(settings: Any) -> None:
    settings.PADDOCK_HTTP_CONCURRENCY = 1
    inner = Counting()
    limited = ConcurrentRequestLimit(inner)
    more = asyncio.Event()

    async def slow_receive() -> dict[str, Any]:
        await more.wait()  # the rest of the body never comes while the other request is served
        return {"type": "http.request", "body": b"late", "more_body": False}

    first = [{"type": "http.request", "body": b"part", "more_body": True}]

    async def receive() -> dict[str, Any]:
        return first.pop(0) if first else await slow_receive()

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    slow = asyncio.create_task(limited(http_scope(), receive, send))
    await asyncio.sleep(0)
    assert await asyncio.wait_for(call(limited, http_scope(), [b"quick"]), 2) == (200, b"quick")
    more.set()
    await asyncio.wait_for(slow, 2)
    assert sent[1]["body"] == b"partlate"


async def test_websockets_are_not_counted(settings: Any) -> None:
    settings.PADDOCK_HTTP_CONCURRENCY = 1
    inner = Counting(hold=0)
    limited = ConcurrentRequestLimit(inner)

    async def nothing() -> dict[str, Any]:
        await asyncio.Event().wait()
        raise AssertionError

    async def ignore(message: dict[str, Any]) -> None:
        pass

    sockets = [
        asyncio.create_task(limited({"type": "websocket", "path": "/ws/"}, nothing, ignore))
        for _ in range(4)
    ]
    await asyncio.sleep(0.05)
    assert inner.inside == 4
    inner.release.set()
    await asyncio.gather(*sockets)


async def test_django_runs_each_request_in_a_thread_of_its_own_behind_the_limit(
    settings: Any,
) -> None:
    """What the production notes say: under ASGI Django gives each request its own thread (not
    one thread per process); the limit is what bounds them. Seen from a request's own view."""
    settings.PADDOCK_HTTP_CONCURRENCY = 4
    django_app = ConcurrentRequestLimit(get_asgi_application())
    threads: set[int] = set()
    inside = 0
    most = 0
    gate = threading.Barrier(4, timeout=5)

    from django.core.signals import request_started

    def note(**kwargs: Any) -> None:
        nonlocal inside, most
        threads.add(threading.get_ident())
        inside += 1
        most = max(most, inside)
        gate.wait()  # four requests at once, each in its own thread, or this times out
        inside -= 1

    request_started.connect(note, weak=False)
    try:
        scope = {
            "type": "http",
            "method": "GET",
            "path": "/no-such-address/",  # a 404: no database in these threads
            "headers": [(b"host", b"testserver")],
            "query_string": b"",
            "server": ("testserver", 80),
        }
        answers = await asyncio.gather(*(call(django_app, dict(scope), [b""]) for _ in range(8)))
    finally:
        request_started.disconnect(note)
    assert [status for status, _body in answers] == [404] * 8
    assert most == 4
    assert len(threads) >= 4


def test_the_served_application_bounds_its_http_requests() -> None:
    body_limit = application.application_mapping["http"]
    assert isinstance(body_limit.app, ConcurrentRequestLimit)


async def test_a_request_waiting_for_its_turn_is_seen_by_the_mail_thread(settings: Any) -> None:
    from config import http_queue

    settings.PADDOCK_HTTP_CONCURRENCY = 1
    inner = Counting(hold=0)
    limited = ConcurrentRequestLimit(inner)
    inside = asyncio.create_task(call(limited, http_scope(), [b"a"]))
    await asyncio.sleep(0.01)
    assert http_queue.idle_for() > 0  # one inside, nobody waiting

    waiting = asyncio.create_task(call(limited, http_scope(), [b"b"]))
    await asyncio.sleep(0.01)
    assert http_queue.idle_for() == 0.0

    inner.release.set()
    await asyncio.gather(inside, waiting)
    await asyncio.sleep(0.02)
    assert 0 < http_queue.idle_for() < 5
