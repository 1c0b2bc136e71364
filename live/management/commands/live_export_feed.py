"""Write a live session's stored raw feed to a file, to replay it later with live_replay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from live.models import LiveFeedChunk, LiveSession


class Command(BaseCommand):
    help = "Write the raw timing feed stored for a live session to a file (for live_replay)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("session_id", type=int)
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        session = LiveSession.objects.filter(pk=options["session_id"]).first()
        if session is None:
            raise CommandError(_("No live session %(id)s.") % {"id": options["session_id"]})
        chunks = LiveFeedChunk.objects.filter(session=session).order_by("id")
        formats = set(chunks.values_list("format", flat=True))
        if len(formats) > 1:
            raise CommandError(
                _("This session mixes feed formats; it cannot be replayed as one file.")
            )
        size = 0
        with Path(options["path"]).open("wb") as out:
            for data in chunks.values_list("data", flat=True).iterator():
                out.write(bytes(data))
                size += len(data)
        format = next(iter(formats), "-")
        self.stdout.write(
            _("Wrote %(bytes)s bytes of %(format)s feed.") % {"bytes": size, "format": format}
        )
        if format == LiveFeedChunk.Format.RMONITOR:
            # The bytes are as received: they read right only with the session's text encoding.
            self.stdout.write(
                _(
                    "Replay it with: manage.py live_replay %(path)s --format rmonitor --encoding %(encoding)s"
                )
                % {"path": options["path"], "encoding": session.feed_encoding}
            )
