"""E-mails to drivers, in the language they registered in, always sent after commit."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from events.models import Entry

logger = logging.getLogger(__name__)


def _send_now(entry_id: int, template: str, extra: dict[str, Any]) -> None:
    entry = (
        Entry.objects.select_related("event", "event__organization", "entry_class", "driver")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or not entry.driver.email:
        return
    with translation.override(entry.language or settings.LANGUAGE_CODE):
        context = {"entry": entry, "site_url": settings.PADDOCK_SITE_URL, **extra}
        subject = render_to_string(f"events/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"events/email/{template}.txt", context)
    try:
        send_mail(
            " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [entry.driver.email]
        )
    except Exception:
        # The state change is committed; a mail server hiccup must not turn it into an error page.
        logger.exception("could not send %s e-mail for entry %s", template, entry_id)


def email_after_commit(entry: Entry, template: str, **extra: Any) -> None:
    transaction.on_commit(partial(_send_now, entry.pk, template, extra))
