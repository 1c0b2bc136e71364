"""Timed runs: entering, correcting and importing runs, and scoring them into the session's results.

Every write re-scores the session (events.engine.timed_runs) and publishes the classification
through the one results service (``publish_results``), so the results page, the API and the
championships read timed runs the way they read races. A change to a run that already had values
writes an audit row with the values before and after: the history of a run is the event's audit log.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.engine import timed_runs as engine
from events.engine.racetime import format_time
from events.hooks import timed_runs_changed
from events.models import (
    AuditLog,
    ResultStatus,
    RunStatus,
    Session,
    SessionFormat,
    SessionResult,
    TimedRun,
)
from events.queries.roster import roster_for
from events.services.results import LineError, ResultLine, ResultsError, publish_results

# The engine's statuses of an unclassified competitor, as result statuses.
RESULT_STATUS = {
    engine.CLASSIFIED: ResultStatus.CLASSIFIED,
    engine.DNF: ResultStatus.DNF,
    engine.DSQ: ResultStatus.DSQ,
    engine.DNS: ResultStatus.DNS,
}
RESULT_SOURCE: dict[str, str] = {
    TimedRun.Source.STAFF: SessionResult.Source.TYPED,
    TimedRun.Source.CSV: SessionResult.Source.CSV,
    TimedRun.Source.DECODER: SessionResult.Source.LIVE,
}
STATUS_NEEDS_TIME = {RunStatus.OK, RunStatus.OFF_COURSE}
MAX_COUNT = 99


@dataclass(frozen=True)
class RunLine:
    """One run as entered or imported; ``run`` None means the car's next run."""

    car_number: str
    run: int | None
    time_ms: int | None
    cones: int = 0
    gates: int = 0
    status: str = RunStatus.OK


class RunsError(ResultsError):
    """Runs refused; ``errors`` names each offending line."""


def engine_rules(session: Session) -> engine.Rules:
    return engine.Rules.from_dict(session.checked_rules)


def check_runs(
    session: Session, lines: Sequence[RunLine], roster: dict[str, Any] | None = None
) -> list[LineError]:
    """Every problem with the runs, each tied to its line; empty when they can be saved."""
    rules = engine_rules(session)
    errors: list[LineError] = []
    counts = Counter((line.car_number, line.run) for line in lines if line.run is not None)
    for index, line in enumerate(lines):

        def add(message: str, index: int = index) -> None:
            errors.append(LineError(index=index, message=message))

        if not line.car_number:
            add(_("The car number is missing."))
        elif len(line.car_number) > 8:
            add(_("The car number “%(number)s” is too long.") % {"number": line.car_number})
        elif roster and line.car_number not in roster:
            add(_("Car %(number)s is not entered in this event.") % {"number": line.car_number})
        if line.run is not None:
            if not 1 <= line.run <= rules.runs:
                add(
                    _("The run must be between 1 and %(runs)s (the rules allow %(runs)s runs).")
                    % {"runs": rules.runs}
                )
            elif counts[(line.car_number, line.run)] > 1:
                add(
                    _("Run %(run)s of car %(number)s is given twice.")
                    % {"run": line.run, "number": line.car_number}
                )
        if line.status not in RunStatus.values:
            add(_("Unknown status “%(status)s”.") % {"status": line.status})
        elif line.status in STATUS_NEEDS_TIME and line.time_ms is None:
            add(_("A run with status %(status)s needs a time.") % {"status": line.status.upper()})
        if line.time_ms is not None and not 0 < line.time_ms < engine.MAX_RUN_MS:
            add(_("A run time must be longer than zero and shorter than a day."))
        if not 0 <= line.cones <= MAX_COUNT or not 0 <= line.gates <= MAX_COUNT:
            add(_("Cones and gates must be between 0 and %(max)s.") % {"max": MAX_COUNT})
    return errors


def _describe(run: TimedRun) -> str:
    return _("%(time)s, %(cones)s cones, %(gates)s gates, %(status)s") % {
        "time": format_time(run.time_ms) or "-",
        "cones": run.cones,
        "gates": run.gates,
        "status": run.get_status_display(),
    }


def _audit_change(
    session: Session, run: TimedRun, before: str | None, *, by: Any, reason: str
) -> None:
    after = _describe(run)
    if before is None or before == after:
        return
    detail = _("Car %(number)s run %(run)s: %(before)s → %(after)s") % {
        "number": run.car_number,
        "run": run.run,
        "before": before,
        "after": after,
    }
    if reason:
        detail = f"{detail} ({reason})"
    AuditLog.objects.create(
        event_id=session.event_id,
        actor=by if getattr(by, "is_authenticated", False) else None,
        action="timed_run_corrected",
        detail=detail[:2000],
    )


def _save_lines(
    session: Session, lines: Sequence[RunLine], *, source: str, by: Any, reason: str
) -> list[TimedRun]:
    now = timezone.now()
    existing = {(r.car_number, r.run): r for r in TimedRun.objects.filter(session=session)}
    next_run: dict[str, int] = {}
    for car, taken in existing:
        next_run[car] = max(next_run.get(car, 0), taken)
    rules = engine_rules(session)
    saved = []
    for index, line in enumerate(lines):
        number: int | None = line.run
        if number is None:
            # The car's next run: the first number after its last run (an unfinished run the
            # loops started is the one being finished).
            open_run = next(
                (r for r in existing.values() if r.car_number == line.car_number and r.on_course),
                None,
            )
            number = open_run.run if open_run else next_run.get(line.car_number, 0) + 1
            if number > rules.runs:
                raise RunsError(
                    _("The runs have errors; nothing was saved."),
                    [
                        LineError(
                            index=index,
                            message=_("Car %(number)s has made all its %(runs)s runs.")
                            % {"number": line.car_number, "runs": rules.runs},
                        )
                    ],
                )
        run = existing.get((line.car_number, number))
        before = _describe(run) if run is not None and not run.on_course else None
        if run is None:
            run = TimedRun(session=session, car_number=line.car_number, run=number)
        run.time_ms = line.time_ms
        run.cones = line.cones
        run.gates = line.gates
        run.status = line.status
        run.source = source
        run.on_course = False
        run.updated_at = now
        run.updated_by = by if getattr(by, "is_authenticated", False) else None
        run.save()
        existing[(line.car_number, number)] = run
        next_run[line.car_number] = max(next_run.get(line.car_number, 0), number)
        _audit_change(session, run, before, by=by, reason=reason)
        saved.append(run)
    return saved


def scored(session: Session, roster: dict[str, Any] | None = None) -> list[engine.Scored]:
    """The session's runs scored, with each car's class from the roster."""
    roster = roster_for(session.event) if roster is None else roster
    runs: dict[str, list[engine.Run]] = {}
    for run in TimedRun.objects.filter(session=session, on_course=False):
        runs.setdefault(run.car_number, []).append(
            engine.Run(run.run, run.time_ms, run.cones, run.gates, run.status)
        )
    competitors = [
        engine.Competitor(
            key=car,
            class_name=roster[car].class_name if car in roster else "",
            runs=tuple(car_runs),
        )
        for car, car_runs in runs.items()
    ]
    return engine.score(competitors, engine_rules(session))


@dataclass(frozen=True)
class BoardData:
    """What a live timed-runs board shows: the scored cars, their names, who is on course."""

    scored: list[engine.Scored]
    names: dict[str, str]
    on_course: list[str]
    rules: dict[str, Any]


def board_data(session: Session) -> BoardData:
    roster = roster_for(session.event)
    return BoardData(
        scored=scored(session, roster),
        names={number: entry.driver_name for number, entry in roster.items()},
        on_course=[run.car_number for run in on_course(session)],
        rules=session.checked_rules,
    )


def result_lines(session: Session) -> list[ResultLine]:
    rules = session.checked_rules
    lines = []
    for item in scored(session):
        extra: dict[str, Any] = {
            "class_position": item.class_position,
            "runs": [
                {
                    "run": run.run,
                    "time_ms": run.time_ms,
                    "cones": run.cones,
                    "gates": run.gates,
                    "status": run.status,
                    "penalised_ms": run.penalised_ms,
                    "counted": run.counted,
                }
                for run in item.runs
            ],
            "runs_left": item.runs_left,
        }
        if rules["class_index"]:
            extra["indexed_ms"] = item.indexed_ms
            extra["indexed_position"] = item.indexed_position
        lines.append(
            ResultLine(
                car_number=item.key,
                status=RESULT_STATUS[item.status],
                position=item.position,
                class_name=item.class_name,
                total_ms=item.score_ms,
                extra=extra,
            )
        )
    return lines


def _publish(session: Session, *, source: str, by: Any, reason: str) -> SessionResult | None:
    lines = result_lines(session)
    if not lines:
        return None
    return publish_results(session=session, lines=lines, source=source, by=by, reason=reason)


def rescore(*, session: Session, by: AbstractBaseUser | None = None, reason: str = "") -> None:
    """Score a timed-runs session again after its rules changed (nothing for other formats)."""
    if session.format != SessionFormat.TIMED_RUNS or not session.timed_runs.exists():
        return
    _publish(session, source=SessionResult.Source.TYPED, by=by, reason=reason)
    _changed(session)


def _changed(session: Session) -> None:
    for listener in timed_runs_changed:
        transaction.on_commit(lambda listener=listener: listener(session))  # type: ignore[misc]


def _require_timed_runs(session: Session) -> None:
    if session.format != SessionFormat.TIMED_RUNS:
        raise RunsError(_("This session is not scored as timed runs."))


@transaction.atomic
def save_runs(
    *,
    session: Session,
    lines: Sequence[RunLine],
    source: str = TimedRun.Source.STAFF,
    by: AbstractBaseUser | None = None,
    reason: str = "",
) -> list[TimedRun]:
    """Save runs (new ones or corrections) and re-score the session; nothing saved on any error.

    Once the results are official, a change needs a reason (the results service says so).
    """
    session = Session.objects.select_for_update().select_related("event").get(pk=session.pk)
    _require_timed_runs(session)
    errors = check_runs(session, lines, roster_for(session.event))
    if errors:
        raise RunsError(_("The runs have errors; nothing was saved."), errors)
    saved = _save_lines(session, lines, source=source, by=by, reason=reason)
    _publish(session, source=RESULT_SOURCE[source], by=by, reason=reason)
    _changed(session)
    return saved


@transaction.atomic
def start_run(*, session: Session, car_number: str) -> TimedRun | None:
    """The start loop saw a car: open its next run (on course, no time yet).

    None when the car has no run left, or already has a run on course (a double read).
    """
    session = Session.objects.select_for_update().get(pk=session.pk)
    _require_timed_runs(session)
    runs = list(TimedRun.objects.filter(session=session, car_number=car_number))
    if any(r.on_course for r in runs):
        return None
    number = max((r.run for r in runs), default=0) + 1
    if number > engine_rules(session).runs:
        return None
    run = TimedRun.objects.create(
        session=session,
        car_number=car_number,
        run=number,
        status=RunStatus.OK,
        source=TimedRun.Source.DECODER,
        on_course=True,
        updated_at=timezone.now(),
    )
    _changed(session)
    return run


def on_course(session: Session) -> list[TimedRun]:
    return list(TimedRun.objects.filter(session=session, on_course=True).order_by("updated_at"))


def publish_official(
    *, session: Session, by: AbstractBaseUser | None = None, reason: str = ""
) -> SessionResult:
    """Declare the timed-runs results official (re-scored from the runs as they stand)."""
    lines = result_lines(session)
    if not lines:
        raise RunsError(_("There are no runs to publish."))
    return publish_results(
        session=session,
        lines=lines,
        source=SessionResult.Source.TYPED,
        by=by,
        official=True,
        reason=reason,
    )
