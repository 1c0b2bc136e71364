"""Error pages that give back the database connection they open.

Under ASGI, Django 5.2 renders an error page (400, 403, 404, 500) with `sync_to_async(...,
thread_sensitive=False)`: on one of the event loop's default executor threads, not on the
request's own thread (Django ticket #36027, fixed in later releases). The page's context
processors look up the signed-in user, which opens a database connection owned by that executor
thread, and nothing ever closes it: Django's end-of-request cleanup runs on the request's thread.
Each executor thread then holds a connection for good; with `DATABASE_POOL_MAX_SIZE` those are
pool slots a registration rush waits for, and once PostgreSQL drops an idle one, the next error
page on that thread fails. These views render Django's default pages, then close the connections
their thread opened, unless a transaction is open there (a test's, or ATOMIC_REQUESTS).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.views import defaults


def release_connections() -> None:
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def _releasing(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def handler(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        finally:
            release_connections()

    return handler


bad_request = _releasing(defaults.bad_request)
permission_denied = _releasing(defaults.permission_denied)
page_not_found = _releasing(defaults.page_not_found)
server_error = _releasing(defaults.server_error)
