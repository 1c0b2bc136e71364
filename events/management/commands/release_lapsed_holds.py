"""Release lapsed holds and offers now, so waiting lists move without waiting for a visitor.

Counting never needs this (a lapsed hold stops counting by itself); it only makes the e-mail to
the next driver on a waiting list go out promptly. Run it every few minutes from cron.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from events.models import Entry
from events.services.locking import lock_event
from events.services.places import release_lapsed


class Command(BaseCommand):
    help = "Expire lapsed holds and waiting-list offers and offer the freed places on."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        event_ids = set(
            Entry.objects.filter(
                status__in=Entry.EXPIRING_STATUSES, expires_at__lte=now
            ).values_list("event_id", flat=True)
        )
        for event_id in sorted(event_ids):
            with transaction.atomic():
                release_lapsed(event=lock_event(event_id), now=now)
        self.stdout.write(f"{len(event_ids)} events had lapsed holds or offers")
