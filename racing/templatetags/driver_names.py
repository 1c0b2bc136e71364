"""A driver's name in templates, by the one rule in racing.queries.drivers."""

from __future__ import annotations

from typing import Any

from django import template

from racing.queries import drivers

register = template.Library()


@register.filter
def public_name(user: Any) -> str:
    return drivers.public_name(user)


@register.filter
def staff_name(user: Any) -> str:
    return drivers.staff_name(user)
