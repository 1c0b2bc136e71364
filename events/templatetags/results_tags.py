from __future__ import annotations

from django import template
from django.utils.translation import ngettext

from events.engine.racetime import format_gap, format_time

register = template.Library()


@register.filter
def racetime(ms: int | None) -> str:
    return format_time(ms)


@register.filter
def gap(ms: int | None, laps: int | None = None) -> str:
    """``+1.250`` on the same lap, ``+2 laps`` behind it."""
    if laps:
        return ngettext("+%(n)s lap", "+%(n)s laps", laps) % {"n": laps}
    return format_gap(ms)
