"""API validation errors in the reader's language.

django-ninja answers bad parameters with 422 and pydantic's messages, which exist in English only.
Each item keeps its machine-readable `type`, `loc` and `ctx`; `msg` is replaced by a sentence in
the active language (Chinese by default, English on request) for the error types our parameters can
produce. A type not listed here keeps pydantic's English message.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, gettext_noop
from ninja import NinjaAPI
from ninja.errors import ValidationError

# pydantic error type -> message template; placeholders are keys of the error's `ctx`.
MESSAGES = {
    "missing": gettext_noop("This parameter is required."),
    "int_parsing": gettext_noop("Enter a whole number."),
    "int_type": gettext_noop("Enter a whole number."),
    "int_from_float": gettext_noop("Enter a whole number."),
    "float_parsing": gettext_noop("Enter a number."),
    "float_type": gettext_noop("Enter a number."),
    "decimal_parsing": gettext_noop("Enter a number."),
    "bool_parsing": gettext_noop("Enter true or false."),
    "bool_type": gettext_noop("Enter true or false."),
    "string_type": gettext_noop("Enter text."),
    "string_too_short": gettext_noop("Enter at least %(min_length)s characters."),
    "string_too_long": gettext_noop("Enter at most %(max_length)s characters."),
    "string_pattern_mismatch": gettext_noop("The value does not have the expected format."),
    "enum": gettext_noop("Choose one of: %(expected)s."),
    "literal_error": gettext_noop("Choose one of: %(expected)s."),
    "greater_than": gettext_noop("Enter a value greater than %(gt)s."),
    "greater_than_equal": gettext_noop("Enter a value of at least %(ge)s."),
    "less_than": gettext_noop("Enter a value less than %(lt)s."),
    "less_than_equal": gettext_noop("Enter a value of at most %(le)s."),
    "date_parsing": gettext_noop("Enter a valid date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": gettext_noop("Enter a valid date (YYYY-MM-DD)."),
    "datetime_parsing": gettext_noop("Enter a valid date and time (ISO 8601)."),
    "datetime_from_date_parsing": gettext_noop("Enter a valid date and time (ISO 8601)."),
    "json_invalid": gettext_noop("The request body is not valid JSON."),
}


def translate_error(error: dict[str, Any]) -> dict[str, Any]:
    template = MESSAGES.get(str(error.get("type", "")))
    if template is None:
        return error
    context = error.get("ctx") or {}
    try:
        message = gettext(template) % {key: context[key] for key in context}
    except (KeyError, TypeError, ValueError):
        # A context without the placeholder this template needs: better pydantic's own words.
        return error
    return {**error, "msg": message}


def install(api: NinjaAPI) -> None:
    def validation_error(
        request: HttpRequest, exc: ValidationError | type[ValidationError]
    ) -> HttpResponse:
        errors = exc.errors if isinstance(exc, ValidationError) else []
        detail = [translate_error(error) for error in errors]
        return api.create_response(request, {"detail": detail}, status=422)

    api.add_exception_handler(ValidationError, validation_error)
