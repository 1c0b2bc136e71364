"""Errors raised by live services."""

from __future__ import annotations


class LiveError(Exception):
    """Base class for live timing errors."""


class SessionFinished(LiveError):
    """Timing data arrived for a live session that staff already closed."""


class MappingError(LiveError):
    """A transponder mapping was refused; `field` names the form field at fault, if one is."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
