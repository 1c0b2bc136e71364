from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.http.cookie import parse_cookie
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext

from config import http_queue

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection into a clean 503 page instead of a traceback."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("database unavailable while serving %s: %s", request.path, exception)
        try:
            body: str = render_to_string("503.html", request=None)
        except (
            Exception
        ):  # the template layer itself may need the database (e.g. a context processor)
            body = "<h1>503 Service Unavailable</h1>"
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "10"
        return response


class RejectNulCharactersMiddleware:
    """Refuse an address with a NUL character in its path or query string.

    No Paddock address or search ever needs one, and PostgreSQL refuses NUL in text: a search for
    `%00` reached the database and came back as a 500. Forms already refuse NUL (Django's
    validator); this covers everything read from the URL. A path with NUL names nothing: 404. A
    query parameter with NUL: pages answer 400, the API 422 in the shape of its other parameter
    errors, naming each parameter.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        if "\x00" in request.path:
            if api:
                return JsonResponse({"detail": gettext("Not Found")}, status=404)
            raise Http404
        parameters = [
            key
            for key, values in request.GET.lists()
            if "\x00" in key or any("\x00" in value for value in values)
        ]
        if not parameters:
            return self.get_response(request)
        message = gettext("The address contains a NUL character, which is not allowed.")
        if api:
            detail = [
                {"type": "nul_character", "loc": ["query", key], "msg": message}
                for key in parameters
            ]
            return JsonResponse({"detail": detail}, status=422)
        return HttpResponseBadRequest(render_to_string("400.html", request=request))


class RequestBodySizeLimit:
    """ASGI middleware: refuse a request body over its route's limit before Django reads it.

    Django's ASGI handler reads the whole body into a temporary file before any middleware or
    view runs, so without this an anonymous 2 GB POST to any address filled the disk. A declared
    Content-Length over the limit is answered 413 without reading a byte of the body; a body
    sent in chunks (no length) is counted as it arrives and cut off at the limit, before the
    handler has spooled more than that. Routes that take file uploads (listed by URL name in
    settings.PADDOCK_UPLOAD_URL_NAMES, and the admin) get the larger upload limit.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    def limit_for(self, scope: dict[str, Any]) -> int:
        path: str = scope.get("path", "")
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        try:
            match = resolve(path or "/")
        except (Resolver404, ValueError):
            return settings.PADDOCK_MAX_BODY_BYTES
        if "admin" in match.namespaces or match.view_name in settings.PADDOCK_UPLOAD_URL_NAMES:
            return settings.PADDOCK_MAX_UPLOAD_BODY_BYTES
        return settings.PADDOCK_MAX_BODY_BYTES

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = declared_length(scope)
        if declared is not None and declared > limit:
            await send_too_large(scope, send, limit)
            return

        received = 0
        overflowed = False
        response_started = False

        async def counting_receive() -> dict[str, Any]:
            nonlocal received, overflowed
            if overflowed:
                return {"type": "http.disconnect"}
            message: dict[str, Any] = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # The handler treats a disconnect as an aborted request: it drops what it
                    # has spooled and returns without answering, and the 413 goes out below.
                    overflowed = True
                    return {"type": "http.disconnect"}
            return message

        async def watching_send(message: dict[str, Any]) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        await self.app(scope, counting_receive, watching_send)
        if overflowed and not response_started:
            await send_too_large(scope, send, limit)


def declared_length(scope: dict[str, Any]) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length itself
    return None


async def send_too_large(scope: dict[str, Any], send: Any, limit: int) -> None:
    body = too_large_message(scope, limit).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                # The rest of the body is never read: the connection cannot carry another request.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def too_large_message(scope: dict[str, Any], limit: int) -> str:
    # Answered before Django builds a request: pick the reader's language the way
    # LocaleMiddleware would, from the language cookie or Accept-Language.
    request = HttpRequest()
    for name, value in scope.get("headers", []):
        if name.lower() == b"accept-language":
            request.META["HTTP_ACCEPT_LANGUAGE"] = value.decode("latin-1")
        elif name.lower() == b"cookie":
            request.COOKIES = parse_cookie(value.decode("latin-1"))
    with translation.override(translation.get_language_from_request(request)):
        return gettext(
            "The request is too large: at most %(size)s MB can be sent to this address."
        ) % {"size": f"{limit / (1024 * 1024):g}"}


class ConcurrentRequestLimit:
    """ASGI middleware: at most `settings.PADDOCK_HTTP_CONCURRENCY` HTTP requests of this process
    are inside Django at once; the others wait here, in the event loop, costing a coroutine.

    Django's ASGI handler runs every request's sync middleware and view in a thread of its own
    (asgiref's ThreadSensitiveContext), with no bound: a registration rush of 1,000 drivers made
    500 threads per worker, all sharing one interpreter lock and the pool's connections, and all
    passing the "class full" check before any of them had taken a place. A few threads keep a
    process's one core and its database connections busy; requests are then served in turn, and
    the late ones of a rush find the class full in the cache.

    A small body (the forms of a rush) is read before the request takes its turn, so a client
    that sends its body slowly does not hold one; a larger one (an upload) is streamed to Django
    as it arrives. WebSockets are not counted: they never hold a thread.
    """

    BUFFERED_BODY_BYTES = 64 * 1024

    def __init__(self, app: Any) -> None:
        self.app = app
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def _turns_of_this_loop(self, limit: int) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        turns = self._turns.get(loop)
        if turns is None:
            turns = self._turns[loop] = asyncio.Semaphore(limit)
        return turns

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        limit = settings.PADDOCK_HTTP_CONCURRENCY
        if scope["type"] != "http" or limit <= 0:
            await self.app(scope, receive, send)
            return
        read: list[dict[str, Any]] = []
        size = 0
        while size <= self.BUFFERED_BODY_BYTES:
            message: dict[str, Any] = await receive()
            read.append(message)
            size += len(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body", False):
                break

        async def replaying_receive() -> dict[str, Any]:
            if read:
                return read.pop(0)
            return await receive()  # type: ignore[no-any-return]

        turns = self._turns_of_this_loop(limit)
        http_queue.started_waiting()
        try:
            await turns.acquire()
        finally:
            http_queue.stopped_waiting()
        try:
            await self.app(scope, replaying_receive, send)
        finally:
            turns.release()
