"""Cancel a cancelled event's entries and refund them; run again to resume after failures."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from events.exceptions import EventsError
from events.models import Event
from events.services.cancellation import refund_cancelled_event


class Command(BaseCommand):
    help = "Refund every paid entry of a cancelled event. Safe to run again: it resumes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the cancelled event's slug")

    def handle(self, *args: Any, slug: str, **options: Any) -> None:
        event = Event.objects.filter(slug=slug).first()
        if event is None:
            raise CommandError(f"no event with slug {slug!r}")
        try:
            summary = refund_cancelled_event(event_id=event.pk)
        except EventsError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{summary.entries_cancelled} entries cancelled, {len(summary.refunded)} refunds made, "
            f"{len(summary.processing)} being paid out by the provider, "
            f"{len(summary.failed)} failed; {summary.deposits_released} card deposits released, "
            f"{len(summary.deposits_waiting)} waiting for Stripe, "
            f"{summary.cash_deposits} cash deposits to hand back"
        )
        if summary.failed or summary.deposits_waiting:
            raise CommandError(
                "some refunds or deposit releases failed; run the command again to retry them"
            )
