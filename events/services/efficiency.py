"""NEV efficiency runs: staff enter what each car drove and the energy it used; the session is
scored (events/engine/efficiency.py) and published through the one results service.

A change to a car's run overwrites it and writes an audit row with the values before and after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.engine import efficiency as engine
from events.engine.racetime import format_time
from events.hooks import efficiency_changed
from events.models import (
    AuditLog,
    EfficiencyRun,
    EfficiencyStatus,
    ResultStatus,
    Session,
    SessionFormat,
    SessionResult,
)
from events.queries.roster import RosterEntry, roster_for
from events.services.results import LineError, ResultLine, ResultsError, publish_results

MAX_KWH = Decimal("9999")
MAX_KM = Decimal("9999")


@dataclass(frozen=True)
class EnergyLine:
    """One car's run as staff or a CSV give it."""

    car_number: str
    status: str = EfficiencyStatus.OK
    driver_name: str = ""
    energy_kwh: Decimal | None = None
    distance_km: Decimal | None = None
    laps: int | None = None
    elapsed_ms: int | None = None


class EfficiencyError(ResultsError):
    pass


def engine_rules(session: Session) -> engine.EfficiencyRules:
    return engine.efficiency_rules(session.checked_rules)


def check_lines(
    session: Session, lines: Sequence[EnergyLine], roster: dict[str, RosterEntry]
) -> list[LineError]:
    rules = engine_rules(session)
    errors: list[LineError] = []
    seen: set[str] = set()
    for index, line in enumerate(lines):

        def add(message: str, index: int = index) -> None:
            errors.append(LineError(index=index, message=message))

        if not line.car_number:
            add(_("The car number is missing."))
        elif line.car_number in seen:
            add(_("Car %(number)s appears more than once.") % {"number": line.car_number})
        elif roster and line.car_number not in roster:
            add(_("Car %(number)s is not entered in this event.") % {"number": line.car_number})
        seen.add(line.car_number)
        if line.status not in EfficiencyStatus.values:
            add(_("Unknown status “%(status)s”.") % {"status": line.status})
        if line.energy_kwh is not None and not Decimal(0) <= line.energy_kwh <= MAX_KWH:
            add(_("The energy must be between 0 and %(max)s kWh.") % {"max": MAX_KWH})
        if line.distance_km is not None and not Decimal(0) <= line.distance_km <= MAX_KM:
            add(_("The distance must be between 0 and %(max)s km.") % {"max": MAX_KM})
        if line.laps is not None and not 0 <= line.laps <= 10_000:
            add(_("The laps must be between 0 and 10000."))
        if line.elapsed_ms is not None and not 0 < line.elapsed_ms < 86_400_000:
            add(_("A time must be longer than zero and shorter than a day."))
        if line.status == EfficiencyStatus.OK:
            if rules.measure is engine.Measure.LAPS and line.laps is None:
                add(_("This run is measured in laps: give the laps."))
            if rules.measure is engine.Measure.DISTANCE and line.distance_km is None:
                add(_("This run is measured in distance: give the kilometres."))
    return errors


def _describe(run: EfficiencyRun) -> str:
    return _("%(kwh)s kWh, %(km)s km, %(laps)s laps, %(time)s, %(status)s") % {
        "kwh": run.energy_kwh if run.energy_kwh is not None else "-",
        "km": run.distance_km if run.distance_km is not None else "-",
        "laps": run.laps if run.laps is not None else "-",
        "time": format_time(run.elapsed_ms) or "-",
        "status": run.get_status_display(),
    }


def scored(session: Session) -> list[engine.Scored]:
    return engine.score(
        [
            engine.Run(
                number=run.car_number,
                status=engine.RunStatus(run.status),
                energy_kwh=run.energy_kwh,
                distance_km=run.distance_km,
                laps=run.laps,
                elapsed_ms=run.elapsed_ms,
            )
            for run in EfficiencyRun.objects.filter(session=session)
        ],
        engine_rules(session),
    )


_RESULT_STATUS = {
    engine.Standing.CLASSIFIED: ResultStatus.CLASSIFIED,
    engine.Standing.OVER_TIME: ResultStatus.NC,
    engine.Standing.AWAITING_ENERGY: ResultStatus.NC,
    engine.Standing.NO_DISTANCE: ResultStatus.NC,
    engine.Standing.DNF: ResultStatus.DNF,
    engine.Standing.DNS: ResultStatus.DNS,
    engine.Standing.DSQ: ResultStatus.DSQ,
}


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def result_lines(session: Session) -> list[ResultLine]:
    names = dict(
        EfficiencyRun.objects.filter(session=session).values_list("car_number", "driver_name")
    )
    lines = []
    for item in scored(session):
        extra: dict[str, Any] = {
            "energy_kwh": _number(item.energy_kwh),
            "distance_km": _number(item.distance_km),
            "kwh_per_100km": _number(item.kwh_per_100km),
            "standing": str(item.standing),
            "elapsed_ms": item.elapsed_ms,
            "over_ms": item.over_ms,
            "penalty_percent": str(item.penalty_percent),
        }
        lines.append(
            ResultLine(
                car_number=item.number,
                driver_name=names.get(item.number, ""),
                status=_RESULT_STATUS[item.standing],
                position=item.position,
                extra=extra,
            )
        )
    return lines


def _require_efficiency(session: Session) -> None:
    if session.format != SessionFormat.EFFICIENCY:
        raise EfficiencyError(_("This session is not scored as an efficiency run."))


@transaction.atomic
def save_runs(
    *,
    session: Session,
    lines: Sequence[EnergyLine],
    by: AbstractBaseUser | None = None,
    source: str = SessionResult.Source.TYPED,
    official: bool = False,
    reason: str = "",
) -> list[EfficiencyRun]:
    """Save cars' runs (new or corrected), score the session and publish it; all or nothing."""
    session = Session.objects.select_for_update().select_related("event").get(pk=session.pk)
    _require_efficiency(session)
    errors = check_lines(session, lines, roster_for(session.event))
    if errors:
        raise EfficiencyError(_("The runs have errors; nothing was saved."), errors)
    existing = {run.car_number: run for run in EfficiencyRun.objects.filter(session=session)}
    now = timezone.now()
    actor: Any = by if getattr(by, "is_authenticated", False) else None
    saved = []
    for line in lines:
        run = existing.get(line.car_number)
        before = _describe(run) if run is not None else None
        if run is None:
            run = EfficiencyRun(session=session, car_number=line.car_number)
        run.status = line.status
        run.driver_name = line.driver_name or run.driver_name
        run.energy_kwh = line.energy_kwh
        run.distance_km = line.distance_km
        run.laps = line.laps
        run.elapsed_ms = line.elapsed_ms
        run.updated_at = now
        run.updated_by = actor
        run.save()
        after = _describe(run)
        if before is not None and before != after:
            detail = _("Car %(number)s: %(before)s → %(after)s") % {
                "number": run.car_number,
                "before": before,
                "after": after,
            }
            if reason:
                detail = f"{detail} ({reason})"
            AuditLog.objects.create(
                event_id=session.event_id,
                actor=actor,
                action="efficiency_run_corrected",
                detail=detail[:2000],
            )
        saved.append(run)
    publish_results(
        session=session,
        lines=result_lines(session),
        source=source,
        by=by,
        official=official,
        reason=reason,
    )
    _changed(session)
    return saved


def rescore(*, session: Session, by: AbstractBaseUser | None = None, reason: str = "") -> None:
    """Score an efficiency run again after its rules changed (nothing for other formats)."""
    if session.format != SessionFormat.EFFICIENCY or not session.efficiency_runs.exists():
        return
    publish_results(
        session=session,
        lines=result_lines(session),
        source=SessionResult.Source.TYPED,
        by=by,
        reason=reason,
    )
    _changed(session)


def _changed(session: Session) -> None:
    for listener in efficiency_changed:
        transaction.on_commit(lambda listener=listener: listener(session))  # type: ignore[misc]


def board_rows(session: Session) -> list[dict[str, Any]]:
    """The standings as live board rows keyed by car number (numbers as strings, in JSON)."""
    roster = roster_for(session.event)
    return [
        {
            "key": item.number,
            "position": item.position,
            "standing": str(item.standing),
            "number": item.number,
            "name": roster[item.number].driver_name if item.number in roster else "",
            "kwh_per_100km": _number(item.kwh_per_100km),
            "penalty_percent": _number(item.penalty_percent) if item.penalty_percent else None,
            "energy_kwh": _number(item.energy_kwh),
            "distance_km": _number(item.distance_km),
            "elapsed_ms": item.elapsed_ms,
        }
        for item in scored(session)
    ]
