"""Race times as integer milliseconds: parsing what people type, and showing them. No Django."""

from __future__ import annotations

import re

# [[h:]m:]s[.fff]: "1:02:03.456", "62:03.4", "59.123", "5"
_TIME = re.compile(r"^(?:(?:(\d+):)?(\d+):)?(\d+)(?:[.,](\d{1,3}))?$")


def parse_time(text: str) -> int:
    """Milliseconds from ``[[h:]m:]s[.fff]``; raises ValueError on anything else."""
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(text)
    hours, minutes, seconds, fraction = match.groups()
    has_hours, has_minutes = hours is not None, minutes is not None
    if (has_minutes and int(seconds) >= 60) or (has_hours and int(minutes) >= 60):
        raise ValueError(text)
    milliseconds = int((fraction or "0").ljust(3, "0"))
    return (int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds)) * 1000 + milliseconds


def format_time(ms: int | None) -> str:
    """``1:02:03.456``, ``2:03.456`` or ``3.456``; empty for no time."""
    if ms is None:
        return ""
    seconds, milliseconds = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}.{milliseconds:03d}"
    if minutes:
        return f"{minutes}:{seconds:02d}.{milliseconds:03d}"
    return f"{seconds}.{milliseconds:03d}"


def format_gap(ms: int | None) -> str:
    """``+1.250``, ``+1:02.003``; laps behind are left to the caller, who translates them."""
    if ms is None:
        return ""
    return "+" + format_time(ms)
