from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.template.loader import render_to_string
from django.utils.translation import gettext

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
