"""Replay a timing capture (RMonitor text or P3) into a live session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from live.engine.standings import MODES
from live.feeds.decoder import FORMATS
from live.feeds.replay import FeedMismatch, replay
from live.models import LiveFeedChunk, LiveSession
from live.services.timing import DEFAULT_MIN_LAP_MS, create_live_session, finish_live_session


class Command(BaseCommand):
    help = "Replay a timing capture into a live session (a scratch session without --session)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--session", type=int, help="live session id (default: a new one)")
        parser.add_argument("--mode", choices=MODES, help="for a new session (default: race)")
        parser.add_argument("--speed", type=float, default=1.0, help="1 real time, 0 flat out")
        parser.add_argument("--min-lap-ms", type=int, default=DEFAULT_MIN_LAP_MS)
        parser.add_argument("--json-out", help="write the final snapshot to this file")
        parser.add_argument(
            "--encoding",
            choices=LiveSession.FeedEncoding.values,
            help="RMonitor text encoding; stored on the live session "
            "(default: the session's, auto for a new one)",
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="with --session: skip what an interrupted run of this capture already stored",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}
            ) from exc
        if options["speed"] < 0:
            raise CommandError(_("--speed must be 0 or more."))
        scratch = options["session"] is None
        if not scratch:
            session = LiveSession.objects.filter(pk=options["session"]).first()
            if session is None:
                raise CommandError(_("No live session %(id)s.") % {"id": options["session"]})
            if options["mode"] and options["mode"] != session.mode:
                session.mode = options["mode"]
                session.save(update_fields=["mode", "updated_at"])
            if options["encoding"] and options["encoding"] != session.feed_encoding:
                session.feed_encoding = options["encoding"]
                session.save(update_fields=["feed_encoding", "updated_at"])
        else:
            session = create_live_session(
                name=_("Replay of %(file)s") % {"file": path.name},
                mode=options["mode"] or LiveSession.Mode.RACE,
                source=LiveSession.Source.REPLAY,
                min_lap_ms=options["min_lap_ms"],
                feed_encoding=options["encoding"] or LiveSession.FeedEncoding.AUTO,
            )
        already = b""
        if options["resume"] and not scratch:
            already = b"".join(
                bytes(chunk)
                for chunk in LiveFeedChunk.objects.filter(session=session, format=options["format"])
                .order_by("id")
                .values_list("data", flat=True)
            )
        try:
            stats = replay(
                session_id=session.pk,
                data=data,
                format=options["format"],
                speed=options["speed"],
                already_received=already,
            )
        except FeedMismatch as exc:
            raise CommandError(
                _("Cannot resume: session %(id)s received a different feed.") % {"id": session.pk}
            ) from exc
        if stats.skipped:
            self.stdout.write(
                _("Resumed: %(skipped)s steps were already applied.") % {"skipped": stats.skipped}
            )
        if scratch:
            # A replayed capture is over when the file ends; it should not linger as "live now".
            finish_live_session(session_id=session.pk)
        session.refresh_from_db()
        if options["json_out"]:
            Path(options["json_out"]).write_text(
                json.dumps(session.snapshot, ensure_ascii=False, indent=1), encoding="utf-8"
            )
        self.stdout.write(
            _(
                "Live session %(id)s: %(events)s records, %(changes)s changes, seq %(seq)s, "
                "%(rejected)s bad records dropped."
            )
            % {
                "id": session.pk,
                "events": stats.events,
                "changes": stats.changes,
                "seq": session.seq,
                "rejected": stats.rejected,
            }
        )
