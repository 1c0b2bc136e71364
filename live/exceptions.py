"""Errors raised by live services."""

from __future__ import annotations


class LiveError(Exception):
    """Base class for live timing errors."""


class SessionFinished(LiveError):
    """Timing data arrived for a live session that staff already closed."""


class FormFieldError(LiveError):
    """A change staff asked for was refused; `field` names the form field at fault, if one is."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class MappingError(FormFieldError):
    """A transponder mapping was refused."""


class RaceControlError(FormFieldError):
    """A race-control message or pit mark was refused."""
