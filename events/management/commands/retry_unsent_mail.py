"""Send again the event mail that the mail server did not take, so an outage heals by itself.

Run it from cron every few minutes. A message is tried at most ``--max-attempts`` times in all;
after that it stays on the event's staff page until someone sends it by hand. Mail still marked
as waiting long after it was recorded or claimed was cut off by a restart before it was sent.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from events.models import OutgoingMail
from events.services import notifications

STALE_PENDING = timedelta(minutes=15)


class Command(BaseCommand):
    help = "Retry event e-mail that could not be sent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--max-attempts", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        due = (
            OutgoingMail.objects.annotate(stale_since=Coalesce("last_attempt_at", "created_at"))
            .filter(
                Q(status=OutgoingMail.Status.FAILED, attempts__lt=options["max_attempts"])
                | Q(
                    status=OutgoingMail.Status.PENDING,
                    stale_since__lte=timezone.now() - STALE_PENDING,
                )
            )
            .order_by("pk")
        )
        tried = notifications.resend(due)
        failed = sum(1 for row in tried if row.status == OutgoingMail.Status.FAILED)
        self.stdout.write(f"{len(tried) - failed} sent, {failed} still failing")
