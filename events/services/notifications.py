"""Mail about an event: rendered in the recipient's language, sent after commit through
`config.mail`, and recorded as `OutgoingMail` so staff see what failed and can send it again."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from config import mail
from events.models import Entry, Event, OutgoingMail

Compose = Callable[[], list[mail.Mail]]


def _record(rows: Sequence[OutgoingMail], deliveries: Sequence[mail.Delivery]) -> None:
    now = timezone.now()
    for row, delivery in zip(rows, deliveries, strict=True):
        row.status = OutgoingMail.Status.SENT if not delivery.failed else OutgoingMail.Status.FAILED
        row.error = delivery.error
        row.last_attempt_at = now
        OutgoingMail.objects.filter(pk=row.pk).update(
            status=row.status, error=row.error, last_attempt_at=now, attempts=F("attempts") + 1
        )


def _send_rows(rows: Sequence[OutgoingMail]) -> None:
    deliveries = [
        mail.Delivery(mail.Mail(subject=row.subject, body=row.body, to=[row.recipient]))
        for row in rows
    ]
    mail.deliver_now(deliveries)
    _record(rows, deliveries)


def mail_event_after_commit(
    *, event_id: int, kind: str, compose: Compose, in_background: bool = False
) -> list[OutgoingMail]:
    """After commit: compose the messages, record them, send them, record the outcome.

    Composing after commit reads the committed state (what the mail reports), as the callers
    may still change the entry later in their transaction. The returned list is filled in once
    the mail has been tried, which outside a transaction is before this returns.
    """
    rows: list[OutgoingMail] = []

    def send() -> None:
        now = timezone.now()
        for message in compose():
            for recipient in message.to:
                rows.append(
                    OutgoingMail(
                        event_id=event_id,
                        kind=kind,
                        recipient=recipient,
                        # Stored as it is sent, so the staff list shows what the recipient sees.
                        subject=mail.header_safe(message.subject),
                        body=message.body,
                        created_at=now,
                    )
                )
        for row in rows:
            row.save()
        _send_rows(rows)

    (mail.after_commit_in_background if in_background else mail.after_commit)(send)
    return rows


def resend(rows: Iterable[OutgoingMail]) -> list[OutgoingMail]:
    """Try again now (staff's button, the retry command); returns the rows with their outcome."""
    claimed = []
    now = timezone.now()
    for row in rows:
        # Claimed by a conditional update, not a lock held while talking to the mail server:
        # when staff press the button while cron runs, only one of them sends each message.
        taken = OutgoingMail.objects.filter(pk=row.pk, status=row.status).update(
            status=OutgoingMail.Status.PENDING, last_attempt_at=now
        )
        if taken:
            claimed.append(row)
    _send_rows(claimed)
    return claimed


def failed_mail(event: Event) -> Any:
    return OutgoingMail.objects.filter(event=event, status=OutgoingMail.Status.FAILED)


def _render_for_entry(
    entry_id: int, template: str, extra: dict[str, Any], to_co_driver: bool
) -> list[mail.Mail]:
    entry = (
        Entry.objects.select_related("event", "event__organization", "entry_class", "driver")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        return []
    recipient = entry.co_driver_email if to_co_driver else entry.driver.email
    if not recipient:
        return []
    # The driver chose a language when entering; every mail about the entry keeps to it.
    with translation.override(entry.language or settings.LANGUAGE_CODE):
        context = {"entry": entry, "site_url": settings.PADDOCK_SITE_URL, **extra}
        subject = render_to_string(f"events/email/{template}_subject.txt", context)
        body = render_to_string(f"events/email/{template}.txt", context)
    return [mail.Mail(subject=subject, body=body, to=[recipient])]


def email_after_commit(
    entry: Entry, template: str, *, to_co_driver: bool = False, **extra: Any
) -> None:
    """Mail about an entry to its driver (or to the co-driver it names), composed and sent in
    the background once the change commits: nobody waits for it, and its outcome is recorded."""
    entry_id = entry.pk
    mail_event_after_commit(
        event_id=entry.event_id,
        kind=template,
        compose=lambda: _render_for_entry(entry_id, template, extra, to_co_driver),
        in_background=True,
    )
