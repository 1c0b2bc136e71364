"""Errors raised by live services."""

from __future__ import annotations


class LiveError(Exception):
    """Base class for live timing errors."""


class SessionFinished(LiveError):
    """Timing data arrived for a live session that staff already closed."""
