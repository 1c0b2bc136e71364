"""Read a live timing system (RMonitor or P3 over TCP) into a live session until stopped."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from live.feeds.ingest import IDLE_TIMEOUT_S, ingest
from live.models import LiveSession


def host_port(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(
            _("Give the timing system as HOST:PORT, not %(value)r.") % {"value": value}
        )
    return host.strip("[]"), int(port)


class Command(BaseCommand):
    help = (
        "Connect to a timing system and apply its feed to a live session, reconnecting on errors."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("session_id", type=int)
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument(
            "--rmonitor", metavar="HOST:PORT", help="RMonitor scoreboard (port 50000)"
        )
        source.add_argument("--p3", metavar="HOST:PORT", help="MYLAPS P3 decoder (port 5403)")
        parser.add_argument(
            "--encoding",
            choices=LiveSession.FeedEncoding.values,
            help="RMonitor text encoding; stored on the live session (default: the session's)",
        )
        parser.add_argument(
            "--idle-timeout",
            type=float,
            metavar="SECONDS",
            help="reconnect after this long without bytes "
            f"(default: {IDLE_TIMEOUT_S['rmonitor']:g} s RMonitor, {IDLE_TIMEOUT_S['p3']:g} s P3)",
        )
        parser.add_argument("--max-connections", type=int, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        session = LiveSession.objects.filter(pk=options["session_id"]).first()
        if session is None:
            raise CommandError(_("No live session %(id)s.") % {"id": options["session_id"]})
        format = "rmonitor" if options["rmonitor"] else "p3"
        host, port = host_port(options["rmonitor"] or options["p3"])
        idle_timeout = options["idle_timeout"]
        if idle_timeout is None:
            idle_timeout = IDLE_TIMEOUT_S[format]
        elif not 0 < idle_timeout <= 86400:
            raise CommandError(_("--idle-timeout must be between 0 and 86400 seconds."))
        if options["encoding"] and options["encoding"] != session.feed_encoding:
            # The session is the one place the encoding lives: a replay of its stored feed and
            # the next ingest run read it the same way.
            session.feed_encoding = options["encoding"]
            session.save(update_fields=["feed_encoding", "updated_at"])
        self.stdout.write(
            _("Reading %(format)s from %(host)s:%(port)s into live session %(id)s.")
            % {"format": format, "host": host, "port": port, "id": session.pk}
        )
        if format == "rmonitor":
            self.stdout.write(
                _("Feed text encoding: %(encoding)s.")
                % {"encoding": session.get_feed_encoding_display()}
            )
        stats = asyncio.run(
            self._run(
                session.pk,
                host,
                port,
                format,
                options.get("max_connections"),
                # None: the session's, read at each connection (staff may change it meanwhile).
                None,
                idle_timeout,
            )
        )
        self.stdout.write(
            _(
                "Stopped after %(connections)s connections (%(idle)s closed for silence), "
                "%(changes)s changes."
            )
            % {
                "connections": stats.connections,
                "idle": stats.idle_timeouts,
                "changes": stats.changes,
            }
        )

    async def _run(
        self,
        session_id: int,
        host: str,
        port: int,
        format: str,
        max_connections: int | None,
        encoding: str | None,
        idle_timeout: float,
    ) -> Any:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
        return await ingest(
            session_id=session_id,
            host=host,
            port=port,
            format=format,
            stop=stop,
            max_connections=max_connections,
            encoding=encoding,
            idle_timeout_s=idle_timeout,
        )
