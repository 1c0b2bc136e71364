"""Import a session's results from a CSV file, read by the session's format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from events.models import Session
from events.services.formats import format_of, import_results_csv


class Command(BaseCommand):
    help = (
        "Import results into a session from a CSV file. The columns depend on the session's "
        "format (race: docs/RESULTS_CSV.md; timed runs: number,run,time,cones,gates,status). "
        "Every bad line is reported and nothing is saved when any line is bad."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("session_id", type=int, help="the session's id")
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8 or GB18030)")
        parser.add_argument("--official", action="store_true", help="declare the results official")
        parser.add_argument("--reason", default="", help="why official results are being corrected")

    def handle(
        self, *args: Any, session_id: int, file: Path, official: bool, reason: str, **options: Any
    ) -> None:
        session = Session.objects.select_related("event").filter(pk=session_id).first()
        if session is None:
            raise CommandError(f"no session with id {session_id}")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
        imported = import_results_csv(session=session, data=data, official=official, reason=reason)
        if imported.errors:
            for error in imported.errors:
                where = f"line {error.line}" if error.line else "file"
                self.stderr.write(f"{file}: {where}: {error.message}")
            raise CommandError(f"{len(imported.errors)} error(s); nothing was saved")
        self.stdout.write(
            f"{imported.count} line(s) imported into session {session.pk} "
            f"({session.event.title} — {session.display_name}, format "
            f"{format_of(session).key})"
        )
