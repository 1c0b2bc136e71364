"""The format registry: what each session format plugs into results, in one place.

A session's ``format`` (events.models.SessionFormat) picks its entry here. An entry names:

- ``import_csv``: reads a CSV file for a session of this format and saves it through the format's
  service (which scores it and publishes through ``publish_results``); returns the count saved,
  or the errors, one per line, and then saves nothing;
- ``columns_template``: the results table of the public results page (and the print page);
- ``api_row``: a result row as the results API gives it (its schema is in events/api/results.py).

The rules a format takes, their checks and the presets per tier are pure data in
events/engine/formats.py. How to add a format: docs/architecture.md, "Session formats".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from events.engine import formats as engine
from events.models import ResultRow, Route, Session, SessionFormat, SessionResult, TimedRun
from events.queries.roster import roster_for
from events.services import efficiency, regularity, timed_runs
from events.services.results import ResultsError, check_lines, publish_results
from events.services.results_csv import (
    CsvError,
    read_energy_csv,
    read_results_csv,
    read_runs_csv,
)


@dataclass(frozen=True)
class Imported:
    count: int = 0
    errors: tuple[CsvError, ...] = ()


ImportCsv = Callable[..., Imported]


@dataclass(frozen=True)
class ResultFormat:
    key: str
    import_csv: ImportCsv
    columns_template: str
    # (row, the session's checked rules) -> the row as the API gives it
    api_row: Callable[[ResultRow, dict[str, Any]], dict[str, Any]]


def _refused(error: ResultsError) -> Imported:
    if error.errors:
        return Imported(errors=tuple(CsvError(0, e.message) for e in error.errors))
    return Imported(errors=(CsvError(0, str(error)),))


# ----------------------------------------------------------------------------- race


def _import_race(
    *, session: Session, data: bytes, by: Any = None, official: bool = False, reason: str = ""
) -> Imported:
    roster = roster_for(session.event)
    lines, errors = read_results_csv(data, lambda items: check_lines(items, roster))
    if errors:
        return Imported(errors=tuple(errors))
    try:
        publish_results(
            session=session,
            lines=lines,
            source=SessionResult.Source.CSV,
            by=by,
            official=official,
            reason=reason,
        )
    except ResultsError as error:
        return _refused(error)
    return Imported(count=len(lines))


def race_api_row(row: ResultRow, rules: dict[str, Any]) -> dict[str, Any]:
    return {
        "position": row.position,
        "car_number": row.car_number,
        "status": row.status,
        "driver": row.driver_name,
        "team": row.team_name,
        "class_name": row.class_name,
        "laps": row.laps,
        "total_ms": row.total_ms,
        "gap_ms": row.gap_ms,
        "gap_laps": row.gap_laps,
        "best_lap_ms": row.best_lap_ms,
        "best_lap_no": row.best_lap_no,
        "fastest_lap": row.fastest_lap,
        "penalty_ms": row.penalty_ms,
        "penalty_positions": row.penalty_positions,
        "penalty_reason": row.penalty_reason,
    }


# ----------------------------------------------------------------------------- timed runs


def _import_timed_runs(
    *, session: Session, data: bytes, by: Any = None, official: bool = False, reason: str = ""
) -> Imported:
    roster = roster_for(session.event)
    lines, errors = read_runs_csv(data, lambda items: timed_runs.check_runs(session, items, roster))
    if errors:
        return Imported(errors=tuple(errors))
    try:
        timed_runs.save_runs(
            session=session,
            lines=lines,
            source=TimedRun.Source.CSV,
            by=by,
            reason=reason,
        )
        if official:
            timed_runs.publish_official(session=session, by=by, reason=reason)
    except ResultsError as error:
        return _refused(error)
    return Imported(count=len(lines))


def timed_runs_api_row(row: ResultRow, rules: dict[str, Any]) -> dict[str, Any]:
    """The contract of issue 15: one row of a timed-runs classification."""
    extra = row.extra or {}
    data: dict[str, Any] = {
        "position": row.position,
        "class_position": extra.get("class_position"),
        "number": row.car_number,
        "name": row.driver_name,
        "class": row.class_name,
        "status": row.status,
        "runs": extra.get("runs", []),
    }
    data["total_ms" if rules.get("runs_counted", 1) > 1 else "best_ms"] = row.total_ms
    if "indexed_ms" in extra:
        data["indexed_ms"] = extra["indexed_ms"]
        data["indexed_position"] = extra.get("indexed_position")
    return data


# ----------------------------------------------------------------------------- kart heats


def kart_heats_api_row(row: ResultRow, rules: dict[str, Any]) -> dict[str, Any]:
    """A race row plus ``heat_points`` and ``grid`` (filled in by the results service when the
    row is published, from events/queries/karting.py)."""
    extra = row.extra or {}
    return {
        **race_api_row(row, rules),
        "heat_points": extra.get("heat_points"),
        "grid": extra.get("grid"),
    }


# ----------------------------------------------------------------------------- efficiency


def _import_efficiency(
    *, session: Session, data: bytes, by: Any = None, official: bool = False, reason: str = ""
) -> Imported:
    roster = roster_for(session.event)
    lines, errors = read_energy_csv(
        data, lambda items: efficiency.check_lines(session, items, roster)
    )
    if errors:
        return Imported(errors=tuple(errors))
    try:
        efficiency.save_runs(
            session=session,
            lines=lines,
            by=by,
            source=SessionResult.Source.CSV,
            official=official,
            reason=reason,
        )
    except ResultsError as error:
        return _refused(error)
    return Imported(count=len(lines))


# ----------------------------------------------------------------------------- regularity


def _import_regularity(
    *, session: Session, data: bytes, by: Any = None, official: bool = False, reason: str = ""
) -> Imported:
    """Stamps as ``number,control,time``, added to the marshals' (events/services/regularity.py);
    then the route is scored and published."""
    route = Route.objects.filter(session=session).select_related("session__event").first()
    if route is None:
        return Imported(errors=(CsvError(0, _("This session has no route.")),))
    codes = set(route.controls.values_list("code", flat=True))
    lines, errors = regularity.read_stamps_csv(data, day=regularity.route_day(route), codes=codes)
    if errors:
        return Imported(errors=tuple(CsvError(0, message) for message in errors))
    try:
        with transaction.atomic():
            regularity.import_stamps(route=route, lines=lines, actor=by)
            regularity.publish_regularity_results(
                session=session, by=by, official=official, reason=reason
            )
    except ResultsError as error:
        return _refused(error)
    return Imported(count=len(lines))


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def efficiency_api_row(row: ResultRow, rules: dict[str, Any]) -> dict[str, Any]:
    """The contract of issue 15: energy used, distance and kWh/100 km (numbers, or null)."""
    extra = row.extra or {}
    return {
        "position": row.position,
        "car_number": row.car_number,
        "status": row.status,
        "driver": row.driver_name,
        "team": row.team_name,
        "class_name": row.class_name,
        "energy_kwh": _number(extra.get("energy_kwh")),
        "distance_km": _number(extra.get("distance_km")),
        "kwh_per_100km": _number(extra.get("kwh_per_100km")),
        "elapsed_ms": extra.get("elapsed_ms"),
        "penalty_percent": _number(extra.get("penalty_percent")),
    }


def regularity_api_row(row: ResultRow, rules: dict[str, Any]) -> dict[str, Any]:
    """The contract of issue 16: one crew of a regularity classification."""
    extra = row.extra or {}
    return {
        "position": row.position,
        "number": row.car_number,
        "crew": row.driver_name,
        "class": row.class_name,
        "penalty_points": extra.get("penalty_points"),
        "zeros": extra.get("zeros", 0),
        "controls": [
            {key: control.get(key) for key in REGULARITY_CONTROL_FIELDS}
            for control in extra.get("controls", [])
        ],
    }


REGULARITY_CONTROL_FIELDS = ("code", "kind", "ideal", "actual", "delta_ms", "penalty")


# ----------------------------------------------------------------------------- the registry

FORMATS: dict[str, ResultFormat] = {
    SessionFormat.RACE: ResultFormat(
        key=SessionFormat.RACE,
        import_csv=_import_race,
        columns_template="events/results/_classification.html",
        api_row=race_api_row,
    ),
    SessionFormat.TIMED_RUNS: ResultFormat(
        key=SessionFormat.TIMED_RUNS,
        import_csv=_import_timed_runs,
        columns_template="events/results/formats/timed_runs.html",
        api_row=timed_runs_api_row,
    ),
    SessionFormat.KART_HEATS: ResultFormat(
        key=SessionFormat.KART_HEATS,
        # A heat, pre-final or final is a race: the race CSV, and the results service adds the
        # heat points and grid places.
        import_csv=_import_race,
        columns_template="events/results/formats/kart_heats.html",
        api_row=kart_heats_api_row,
    ),
    SessionFormat.EFFICIENCY: ResultFormat(
        key=SessionFormat.EFFICIENCY,
        import_csv=_import_efficiency,
        columns_template="events/results/formats/efficiency.html",
        api_row=efficiency_api_row,
    ),
    SessionFormat.REGULARITY: ResultFormat(
        key=SessionFormat.REGULARITY,
        import_csv=_import_regularity,
        columns_template="events/results/formats/regularity.html",
        api_row=regularity_api_row,
    ),
}


def format_of(session: Session) -> ResultFormat:
    """The session's registry entry; a format not yet registered reads as a race."""
    return FORMATS.get(session.format, FORMATS[SessionFormat.RACE])


def import_results_csv(
    *, session: Session, data: bytes, by: Any = None, official: bool = False, reason: str = ""
) -> Imported:
    """Import a CSV into a session by its format: every line checked, nothing saved on any error."""
    return format_of(session).import_csv(
        session=session, data=data, by=by, official=official, reason=reason
    )


def preset_rules(session: Session) -> dict[str, Any]:
    return engine.preset_rules(session.format, session.event.tier)
