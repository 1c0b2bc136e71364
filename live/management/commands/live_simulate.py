"""Run the race simulator into a live session, in real time or as fast as possible."""

from __future__ import annotations

import time
from dataclasses import replace
from itertools import count
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from live.demo.sessions import demo_session
from live.exceptions import SessionFinished
from live.feeds.adapters.simulator import SimulatorConfig, looped, seconds, timeline
from live.models import LiveSession
from live.services.timing import apply_timing_events


class Command(BaseCommand):
    help = "Simulate a race into a live session (the demo's moving board)."

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--session", type=int, help="live session id")
        target.add_argument("--demo", action="store_true", help="the demo live session")
        parser.add_argument("--speed", type=float, default=1.0, help="1 real time, 0 flat out")
        parser.add_argument("--laps", type=int, default=SimulatorConfig.laps)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--loop", action="store_true", help="start a new race after each one")

    def handle(self, *args: Any, **options: Any) -> None:
        session = (
            demo_session()
            if options["demo"]
            else LiveSession.objects.filter(pk=options["session"]).first()
        )
        if session is None:
            raise CommandError(_("No such live session; run seed_demo first for --demo."))
        if options["speed"] < 0:
            raise CommandError(_("--speed must be 0 or more."))
        if options["laps"] < 1:
            raise CommandError(_("--laps must be at least 1."))
        config = SimulatorConfig(laps=options["laps"], seed=options["seed"])
        races = count() if options["loop"] else range(1)
        try:
            for race in races:
                run = replace(config, seed=config.seed + race)
                batches = looped(run) if options["loop"] else seconds(timeline(run))
                self._play(session.pk, batches, options["speed"])
        except KeyboardInterrupt:
            return
        except SessionFinished:
            self.stderr.write(_("Live session %(id)s is finished.") % {"id": session.pk})
            return
        session.refresh_from_db()
        self.stdout.write(_("Simulated race done, seq %(seq)s.") % {"seq": session.seq})

    @staticmethod
    def _play(session_id: int, batches: list[list[Any]], speed: float) -> None:
        for batch in batches:
            if batch:
                apply_timing_events(session_id=session_id, events=batch)
            if speed > 0:
                time.sleep(1 / speed)
