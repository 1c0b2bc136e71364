"""Keep a timed-runs session moving for the demo: a car starts, runs, finishes with its cones.

Goes through the same services as staff at the line and the loops (events.services.timed_runs),
so the live board follows exactly as it would on the day. With --loop, once every car has made
all its runs the session starts over.
"""

from __future__ import annotations

import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from events.demo.timed_runs import CARS, demo_run
from events.models import SessionResult, TimedRun
from events.services.results import ResultsError
from events.services.timed_runs import engine_rules, save_runs, start_run
from live.demo.sessions import runs_board
from live.models import LiveSession


class Command(BaseCommand):
    help = "Simulate cars doing timed runs into a timed-runs session (the demo's moving board)."

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--session", type=int, help="live timed-runs session id")
        target.add_argument("--demo", action="store_true", help="the demo timed-runs board")
        parser.add_argument("--run-seconds", type=float, default=8.0, help="time on course")
        parser.add_argument("--loop", action="store_true", help="start over when all runs are in")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        live = (
            runs_board()
            if options["demo"]
            else LiveSession.objects.filter(
                pk=options["session"], mode=LiveSession.Mode.TIMED_RUNS
            ).first()
        )
        if live is None or live.event_session is None:
            raise CommandError(_("No such timed-runs board; run seed_demo first for --demo."))
        if options["run_seconds"] < 0:
            raise CommandError(_("--run-seconds must be 0 or more."))
        session = live.event_session
        rng = random.Random(options["seed"])
        paces = {number: pace for number, _f, _g, _c, pace in CARS}
        while True:
            runs = engine_rules(session).runs
            done = {
                number: TimedRun.objects.filter(session=session, car_number=number).count()
                for number in paces
            }
            waiting = [number for number in paces if done[number] < runs]
            if not waiting:
                if not options["loop"]:
                    return
                # A new round of runs: the demo's afternoon starts over.
                TimedRun.objects.filter(session=session).delete()
                SessionResult.objects.filter(session=session).delete()
                continue
            number = min(waiting, key=lambda n: (done[n], int(n)))
            try:
                start_run(session=session, car_number=number)
                time.sleep(options["run_seconds"])
                save_runs(
                    session=session,
                    lines=[demo_run(rng, paces.get(number, 45_000), number, done[number] + 1)],
                )
            except ResultsError as error:
                self.stderr.write(f"car {number}: {error}")
            time.sleep(options["run_seconds"] / 4)
