"""Audit rows in words, for pages that list them (the entry page's history)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from events.models import AuditLog
from events.queries.audit import action_label, actor_label, change_text, detail_text

register = template.Library()


@register.filter
def audit_action(row: AuditLog) -> str:
    return action_label(row.action)


@register.filter
def audit_actor(row: AuditLog) -> str:
    return actor_label(row)


@register.filter
def audit_change(row: AuditLog) -> str:
    return change_text(row)


@register.filter
def audit_detail(row: AuditLog) -> str:
    # Moments in the page's time zone: the entry page sets the event's.
    return detail_text(row.action, row.detail, timezone.get_current_timezone())
