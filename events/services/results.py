"""Official results: the one way results get in, whether typed, uploaded or from live timing.

``publish_results`` is the service every source calls (the live app's publish command too), so a
result is checked, classified and versioned the same way wherever it came from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.engine.points import ClassificationError, Line, Status, classify
from events.exceptions import EventsError
from events.models import (
    LapRecord,
    ResultRevision,
    ResultRow,
    ResultStatus,
    Session,
    SessionFormat,
    SessionResult,
)
from events.queries.karting import kart_extras, later_kart_stages
from events.queries.roster import RosterEntry, roster_for
from events.services.championships import recompute_standings_for_session

MAX_PENALTY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class ResultLine:
    """One car's result as given by a source, before penalties are applied.

    ``position`` is the finishing order on the road; it is required for classified cars.
    """

    car_number: str
    status: str = ResultStatus.CLASSIFIED
    position: int | None = None
    driver_name: str = ""
    team_name: str = ""
    class_name: str = ""
    laps: int | None = None
    total_ms: int | None = None
    best_lap_ms: int | None = None
    best_lap_no: int | None = None
    penalty_ms: int = 0
    penalty_positions: int = 0
    penalty_reason: str = ""
    driver_id: int | None = None
    entry_id: int | None = None
    # The format's own columns (see events/services/formats.py); stored on the row as is.
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LapLine:
    car_number: str
    lap: int
    position: int | None = None
    lap_time_ms: int | None = None


@dataclass(frozen=True)
class LineError:
    index: int  # 0-based index in the lines given; callers turn it into their own line numbers
    message: str


class ResultsError(EventsError):
    """Results refused; ``errors`` names each offending line, ``str()`` is a summary."""

    def __init__(self, message: str, errors: Sequence[LineError] = ()) -> None:
        super().__init__(message)
        self.errors = list(errors)


def check_lines(
    lines: Sequence[ResultLine], roster: dict[str, RosterEntry] | None = None
) -> list[LineError]:
    """Every problem with the lines, each tied to its line; empty when they can be published.

    With a roster (the event's entries), a car number that is not entered is refused; an event
    whose entries were taken elsewhere has an empty roster and any number is accepted.
    """
    errors: list[LineError] = []
    car_counts = Counter(line.car_number for line in lines)
    position_counts = Counter(
        line.position
        for line in lines
        if line.status == ResultStatus.CLASSIFIED and line.position is not None
    )
    for index, line in enumerate(lines):

        def add(message: str, index: int = index) -> None:
            errors.append(LineError(index=index, message=message))

        if not line.car_number:
            add(_("The car number is missing."))
        elif car_counts[line.car_number] > 1:
            add(_("Car %(number)s appears more than once.") % {"number": line.car_number})
        elif roster and line.car_number not in roster:
            add(_("Car %(number)s is not entered in this event.") % {"number": line.car_number})
        if line.status not in ResultStatus.values:
            add(_("Unknown status “%(status)s”.") % {"status": line.status})
        if line.status == ResultStatus.CLASSIFIED:
            if line.position is None:
                add(_("A classified car needs a position."))
            elif line.position < 1:
                add(_("A position starts at 1."))
            elif position_counts[line.position] > 1:
                add(_("Position %(position)s is given twice.") % {"position": line.position})
            if line.penalty_ms and line.total_ms is None:
                add(_("A time penalty needs the car's total time."))
        if line.penalty_ms < 0 or line.penalty_positions < 0:
            add(_("A penalty cannot be negative."))
        if line.penalty_ms > MAX_PENALTY_MS:
            add(_("A time penalty cannot be longer than a day."))
        if (line.penalty_ms or line.penalty_positions) and not line.penalty_reason.strip():
            add(_("Give the reason for the penalty."))
        if line.best_lap_ms is not None and line.best_lap_ms <= 0:
            add(_("A lap time must be longer than zero."))
        if line.laps is not None and line.best_lap_no is not None and line.best_lap_no > line.laps:
            add(_("The best lap number is greater than the laps completed."))
    return errors


def _fill_from_roster(line: ResultLine, roster: dict[str, RosterEntry]) -> ResultLine:
    entry = roster.get(line.car_number)
    if entry is None:
        return line
    return ResultLine(
        **{
            **asdict(line),
            "driver_name": line.driver_name or entry.driver_name,
            "team_name": line.team_name or entry.team_name,
            "class_name": line.class_name or entry.class_name,
            "driver_id": line.driver_id or entry.driver_id,
            "entry_id": entry.entry_id,
        }
    )


# Sessions ordered by best lap, where a gap is measured between best laps.
BEST_LAP_SESSIONS = {Session.Kind.PRACTICE, Session.Kind.QUALIFYING}


def _classified_rows(result: SessionResult, lines: Sequence[ResultLine]) -> list[ResultRow]:
    by_car = {line.car_number: line for line in lines}
    try:
        classification = classify(
            [
                Line(
                    key=line.car_number,
                    status=Status(line.status),
                    road_position=line.position,
                    laps=line.laps,
                    total_ms=line.total_ms,
                    best_lap_ms=line.best_lap_ms,
                    best_lap_no=line.best_lap_no,
                    penalty_ms=line.penalty_ms,
                    penalty_positions=line.penalty_positions,
                )
                for line in lines
            ],
            best_lap_gaps=result.session.kind in BEST_LAP_SESSIONS,
        )
    except ClassificationError as error:  # check_lines catches these first; kept as a guard
        index = next(i for i, line in enumerate(lines) if line.car_number == error.key)
        raise ResultsError(str(error), [LineError(index=index, message=str(error))]) from error
    rows = []
    for order, classified in enumerate(classification, start=1):
        line = by_car[classified.key]
        rows.append(
            ResultRow(
                result=result,
                position=classified.position,
                finish_position=line.position,
                order=order,
                car_number=line.car_number,
                driver_name=line.driver_name,
                team_name=line.team_name,
                class_name=line.class_name,
                driver_id=line.driver_id,
                entry_id=line.entry_id,
                status=line.status,
                laps=line.laps,
                total_ms=classified.total_ms,
                best_lap_ms=line.best_lap_ms,
                best_lap_no=line.best_lap_no,
                penalty_ms=line.penalty_ms,
                penalty_positions=line.penalty_positions,
                penalty_reason=line.penalty_reason,
                gap_ms=classified.gap_ms,
                gap_laps=classified.gap_laps,
                interval_ms=classified.interval_ms,
                interval_laps=classified.interval_laps,
                fastest_lap=classified.fastest_lap,
                extra=line.extra,
            )
        )
    return rows


def snapshot_rows(result: SessionResult) -> list[dict[str, Any]]:
    fields = [
        "position",
        "finish_position",
        "car_number",
        "driver_name",
        "team_name",
        "class_name",
        "driver_id",
        "status",
        "laps",
        "total_ms",
        "best_lap_ms",
        "best_lap_no",
        "penalty_ms",
        "penalty_positions",
        "penalty_reason",
        "gap_ms",
        "gap_laps",
        "fastest_lap",
        "extra",
    ]
    return [{name: getattr(row, name) for name in fields} for row in result.rows.order_by("order")]


def _record_revision(result: SessionResult, *, by: AbstractBaseUser | None, reason: str) -> None:
    result.revision += 1
    result.save(update_fields=["revision"])
    ResultRevision.objects.create(
        result=result,
        number=result.revision,
        created_at=result.updated_at,
        created_by=by,  # type: ignore[misc]
        reason=reason,
        rows=snapshot_rows(result),
    )


def _add_format_columns(session: Session, result: SessionResult) -> None:
    """Columns a format computes from the rows just saved and the stages before them (kart
    heats: heat points and grid places), so that every source gets them: typed, CSV or live."""
    if session.format != SessionFormat.KART_HEATS:
        return
    # A heat's result changes the heat totals shown on the pre-final's and final's rows too.
    for stage in [session, *later_kart_stages(session)]:
        rows = list(ResultRow.objects.filter(result__session=stage))
        extras = kart_extras(stage, [row.car_number for row in rows])
        for row in rows:
            row.extra = {**row.extra, **extras.get(row.car_number, {})}
        ResultRow.objects.bulk_update(rows, ["extra"])


def _after_change(result: SessionResult) -> None:
    recompute_standings_for_session(session=result.session)


@transaction.atomic
def publish_results(
    *,
    session: Session,
    lines: Sequence[ResultLine],
    source: str,
    by: AbstractBaseUser | None = None,
    official: bool = False,
    reason: str = "",
    laps: Sequence[LapLine] | None = None,
) -> SessionResult:
    """Save a session's results, replacing any before; optionally declare them official.

    Changing results that are already official is a correction: it needs a reason and leaves a
    revision with the rows as corrected. Championship standings follow official results.
    """
    # The session row is the lock: two staff publishing at once are serialised here.
    session = Session.objects.select_for_update().select_related("event").get(pk=session.pk)
    roster = roster_for(session.event)
    errors = check_lines(lines, roster)
    if not lines:
        errors.append(LineError(index=0, message=_("There are no result lines.")))
    if errors:
        raise ResultsError(_("The results have errors; nothing was saved."), errors)
    lines = [_fill_from_roster(line, roster) for line in lines]

    now = timezone.now()
    result = SessionResult.objects.filter(session=session).first()
    if result is None:
        result = SessionResult(session=session, source=source, updated_at=now)
    correcting = result.pk is not None and result.is_official
    if correcting and not reason.strip():
        raise ResultsError(_("These results are official: give the reason for the correction."))
    result.source = source
    result.updated_at = now
    result.updated_by = by  # type: ignore[assignment]
    becoming_official = official and not result.is_official
    if becoming_official:
        result.state = SessionResult.State.OFFICIAL
        result.official_at = now
    result.save()

    result.rows.all().delete()
    ResultRow.objects.bulk_create(_classified_rows(result, lines))
    _add_format_columns(session, result)
    if laps is not None:
        replace_laps(session=session, laps=laps)
    if result.is_official:
        _record_revision(result, by=by, reason=reason.strip())
        _after_change(result)
    return result


@transaction.atomic
def make_results_official(
    *, result: SessionResult, by: AbstractBaseUser | None = None
) -> SessionResult:
    result = SessionResult.objects.select_for_update().get(pk=result.pk)
    if result.is_official:
        return result  # a second click changes nothing
    now = timezone.now()
    result.state = SessionResult.State.OFFICIAL
    result.official_at = now
    result.updated_at = now
    result.updated_by = by  # type: ignore[assignment]
    result.save()
    _record_revision(result, by=by, reason="")
    _after_change(result)
    return result


def check_laps(laps: Sequence[LapLine]) -> list[LineError]:
    errors: list[LineError] = []
    counts = Counter((lap.car_number, lap.lap) for lap in laps)
    for index, lap in enumerate(laps):
        if not lap.car_number:
            errors.append(LineError(index=index, message=_("The car number is missing.")))
        if lap.lap < 1:
            errors.append(LineError(index=index, message=_("Laps are numbered from 1.")))
        if counts[(lap.car_number, lap.lap)] > 1:
            errors.append(
                LineError(
                    index=index,
                    message=_("Lap %(lap)s of car %(number)s is given twice.")
                    % {"lap": lap.lap, "number": lap.car_number},
                )
            )
        if lap.position is not None and lap.position < 1:
            errors.append(LineError(index=index, message=_("A position starts at 1.")))
        if lap.lap_time_ms is not None and lap.lap_time_ms <= 0:
            errors.append(LineError(index=index, message=_("A lap time must be longer than zero.")))
    return errors


@transaction.atomic
def replace_laps(*, session: Session, laps: Sequence[LapLine]) -> int:
    """Replace the session's lap data (for the charts); returns the number of laps stored."""
    errors = check_laps(laps)
    if errors:
        raise ResultsError(_("The laps have errors; nothing was saved."), errors)
    Session.objects.select_for_update().filter(pk=session.pk).first()
    LapRecord.objects.filter(session=session).delete()
    LapRecord.objects.bulk_create(
        LapRecord(
            session=session,
            car_number=lap.car_number,
            lap=lap.lap,
            position=lap.position,
            lap_time_ms=lap.lap_time_ms,
        )
        for lap in laps
    )
    return len(laps)
