"""Filters for the site's logging configuration (settings.LOGGING)."""

from __future__ import annotations

import logging
from http import HTTPStatus

# The status of an answer that is an expected outcome, not a client's mistake: "this class is
# full", "you have already entered" (events.views.entries). Nine in ten answers of an opening rush
# are one, so each would otherwise be a "Conflict" warning of django.request, formatted and written
# for nothing.
EXPECTED_REFUSAL = HTTPStatus.CONFLICT


class SkipExpectedRefusals(logging.Filter):
    """Drop django.request's record of a response with the expected-refusal status; every other
    4xx and 5xx is still logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != EXPECTED_REFUSAL
