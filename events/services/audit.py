"""Audit rows, written by the registration, payment and deposit services and by live timing.
The event lock they are written under is in events/services/locking.py.

Lock order, everywhere: the Event row first, then entries, then payments and refunds. Every writer
that touches places, entries or payments takes the event lock first, so two of them can never wait
on each other in opposite orders.
"""

from __future__ import annotations

from typing import Any

from events.models import AuditLog, Entry, Payment


def audit(*, entry: Entry, action: str, **details: Any) -> AuditLog:
    """Write an audit row about `entry` (the fields of `audit_row`)."""
    row = audit_row(entry=entry, action=action, **details)
    row.save(force_insert=True)
    return row


def audit_row(
    *,
    entry: Entry,
    action: str,
    from_status: str = "",
    to_status: str = "",
    actor: Any = None,
    payment: Payment | None = None,
    detail: str = "",
) -> AuditLog:
    """The audit row `audit` writes, not saved yet: for writing several in one statement."""
    return AuditLog(
        event_id=entry.event_id,
        entry=entry,
        payment=payment,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        detail=detail,
    )


def change_status(
    entry: Entry,
    to_status: str,
    *,
    action: str,
    actor: Any = None,
    detail: str = "",
    payment: Any = None,
) -> None:
    """Move an entry to a new status and write its audit row (the caller holds the locks);
    `payment`: the payment that caused it (a confirmation), named on the row."""
    from_status = entry.status
    entry.status = to_status
    entry.save()
    audit(
        entry=entry,
        payment=payment,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        detail=detail,
    )
