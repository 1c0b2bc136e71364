"""Writes for regularity rallies and tours: the route, its controls, and the stamps.

Stamps come from the marshals' phones (in batches, each with the phone's idempotency key, so a
sync retried after a lost answer records nothing twice), from a CSV import, or from an official.
A stamp is never changed or deleted: an official's correction voids it and adds a new one, and
both leave an audit row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from events import hooks
from events.engine.formats import check_rules, preset_rules
from events.engine.regularity import PRESETS, Kind, format_rules
from events.engine.regularity import RouteError as RouteErrorInEngine
from events.exceptions import EventsError
from events.models import (
    AuditLog,
    Control,
    CrewMember,
    ResultStatus,
    Route,
    Session,
    SessionFormat,
    SessionResult,
    Stamp,
)
from events.models.regularity import new_control_token
from events.queries.regularity import scoreboard
from events.services.results import ResultLine, ResultsError, publish_results

MAX_BATCH = 500


class RouteError(EventsError):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _stamps_changed(route_id: int) -> None:
    # Robust: the stamps are committed; a live board that fails to follow must not undo them in
    # the marshal's eyes (the phone would send them again, as duplicates).
    transaction.on_commit(lambda: hooks.notify_stamps_changed(route_id), robust=True)


def _audit(*, event_id: int, action: str, actor: Any, detail: str) -> None:
    AuditLog.objects.create(
        event_id=event_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        detail=detail,
    )


def save_route(*, session: Session, mode: str, standard_start: datetime, interval_s: int) -> Route:
    with transaction.atomic():
        route, _created = Route.objects.update_or_create(
            session=session,
            defaults={
                "mode": mode,
                "standard_start": standard_start,
                "interval_s": interval_s,
                "updated_at": timezone.now(),
            },
        )
        if mode == Route.Mode.REGULARITY and session.format != SessionFormat.REGULARITY:
            # A scored route scores its session: the results page, API and imports follow.
            session.format = SessionFormat.REGULARITY
            session.rules = preset_rules(SessionFormat.REGULARITY, session.event.tier)
            session.save(update_fields=["format", "rules"])
    return route


def apply_rules_preset(*, session: Session, preset: str) -> Session:
    """Give the session one of the common systems' rules (engine.regularity.PRESETS)."""
    if preset not in PRESETS:
        raise RouteError(_("Unknown rules preset."), field="preset")
    session.format = SessionFormat.REGULARITY
    session.rules = check_rules(SessionFormat.REGULARITY, format_rules(PRESETS[preset]))
    session.save(update_fields=["format", "rules"])
    return session


def _check_section(
    *,
    position: int,
    kind: str,
    distance_m: int | None,
    speed_kmh: Any,
    section_s: int | None,
    touring: bool = False,
) -> None:
    if position == 1 and kind != Kind.START:
        raise RouteError(_("The first control of a route is the start."), field="kind")
    if position > 1 and kind == Kind.START:
        raise RouteError(_("Only the first control is the start."), field="kind")
    # A tour is not timed: its waypoints need no section time.
    if not touring and position > 1 and section_s is None and (distance_m is None or not speed_kmh):
        raise RouteError(
            _("Give the section's distance and average speed, or its time."), field="distance_m"
        )


def add_control(
    *,
    route: Route,
    code: str,
    kind: str,
    name: str = "",
    distance_m: int | None = None,
    speed_kmh: Decimal | None = None,
    section_s: int | None = None,
) -> Control:
    with transaction.atomic():
        Route.objects.select_for_update().get(pk=route.pk)
        last = route.controls.aggregate(last=Max("position"))["last"] or 0
        if route.controls.filter(kind=Kind.FINISH).exists():
            raise RouteError(_("The route already ends at its finish."), field="kind")
        _check_section(
            position=last + 1,
            kind=kind,
            distance_m=distance_m,
            speed_kmh=speed_kmh,
            section_s=section_s,
            touring=route.is_touring,
        )
        if route.controls.filter(code=code).exists():
            raise RouteError(_("Another control has this code."), field="code")
        return Control.objects.create(
            route=route,
            position=last + 1,
            code=code,
            kind=kind,
            name=name,
            distance_m=distance_m,
            speed_kmh=speed_kmh,
            section_s=section_s,
        )


def update_control(
    *,
    control: Control,
    code: str,
    kind: str,
    name: str = "",
    distance_m: int | None = None,
    speed_kmh: Decimal | None = None,
    section_s: int | None = None,
) -> Control:
    _check_section(
        position=control.position,
        kind=kind,
        distance_m=distance_m,
        speed_kmh=speed_kmh,
        section_s=section_s,
        touring=control.route.is_touring,
    )
    if control.route.controls.filter(code=code).exclude(pk=control.pk).exists():
        raise RouteError(_("Another control has this code."), field="code")
    control.code, control.kind, control.name = code, kind, name
    control.distance_m, control.speed_kmh, control.section_s = distance_m, speed_kmh, section_s
    control.save()
    return control


def remove_control(*, control: Control) -> None:
    """Only the last control, and only before any stamp: stamps are evidence and stay."""
    with transaction.atomic():
        Route.objects.select_for_update().get(pk=control.route_id)
        if control.stamps.exists():
            raise RouteError(_("This control has stamps; it cannot be removed."))
        if control.route.controls.filter(position__gt=control.position).exists():
            raise RouteError(_("Remove the controls after it first."))
        control.delete()


def revoke_control_token(*, control: Control, actor: Any) -> Control:
    """A new QR code for the control; the old one stops working at once."""
    control.token = new_control_token()
    control.save(update_fields=["token"])
    _audit(
        event_id=control.route.session.event_id,
        action="control_token_revoked",
        actor=actor,
        detail=control.code,
    )
    return control


def publish_route_card(*, route: Route, published: bool) -> Route:
    route.published_at = timezone.now() if published else None
    route.save(update_fields=["published_at"])
    return route


@dataclass(frozen=True)
class StampIn:
    key: UUID
    car_number: int
    at: datetime
    source: str = Stamp.Source.TAP
    offset_ms: int | None = None


@dataclass(frozen=True)
class SyncOutcome:
    accepted: list[str]
    duplicates: list[str]


def record_stamps(*, control: Control, stamps: Sequence[StampIn]) -> SyncOutcome:
    """Record a phone's batch. A key seen before is a duplicate, answered as accepted by the
    phone (it may drop it), so however often a sync is retried each stamp is stored once."""
    if len(stamps) > MAX_BATCH:
        raise RouteError(_("Send at most %(count)s stamps at a time.") % {"count": MAX_BATCH})
    keys = [stamp.key for stamp in stamps]
    known = set(Stamp.objects.filter(key__in=keys).values_list("key", flat=True))
    accepted: list[str] = []
    duplicates: list[str] = [str(key) for key in keys if key in known]
    for stamp in stamps:
        if stamp.key in known:
            continue
        try:
            # One savepoint per stamp: two retries racing each other both reach here, and the
            # loser's unique key violation must not undo the rest of its batch.
            with transaction.atomic():
                Stamp.objects.create(
                    control=control,
                    car_number=stamp.car_number,
                    at=stamp.at,
                    source=stamp.source,
                    key=stamp.key,
                    offset_ms=stamp.offset_ms,
                )
        except IntegrityError:
            duplicates.append(str(stamp.key))
        else:
            accepted.append(str(stamp.key))
        known.add(stamp.key)
    if accepted:
        _stamps_changed(control.route_id)
    return SyncOutcome(accepted=accepted, duplicates=duplicates)


def _moment(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds")


def add_official_stamp(
    *, control: Control, car_number: int, at: datetime, reason: str, actor: Any
) -> Stamp:
    if not reason.strip():
        raise RouteError(_("Give the reason for the correction."), field="reason")
    with transaction.atomic():
        stamp = Stamp.objects.create(
            control=control,
            car_number=car_number,
            at=at,
            source=Stamp.Source.OFFICIAL,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _audit(
            event_id=control.route.session.event_id,
            action="stamp_added",
            actor=actor,
            detail=f"{control.code} #{car_number} {_moment(at)}: {reason.strip()}",
        )
        _stamps_changed(control.route_id)
    return stamp


def void_stamp(*, stamp: Stamp, reason: str, actor: Any) -> Stamp:
    if not reason.strip():
        raise RouteError(_("Give the reason for the correction."), field="reason")
    with transaction.atomic():
        stamp = Stamp.objects.select_for_update().select_related("control").get(pk=stamp.pk)
        if stamp.is_void:
            raise RouteError(_("This stamp was already voided."))
        stamp.voided_at = timezone.now()
        stamp.void_reason = reason.strip()
        stamp.save(update_fields=["voided_at", "void_reason"])
        _audit(
            event_id=Route.objects.values_list("session__event_id", flat=True).get(
                pk=stamp.control.route_id
            ),
            action="stamp_voided",
            actor=actor,
            detail=f"{stamp.control.code} #{stamp.car_number} {_moment(stamp.at)}: {reason}",
        )
        _stamps_changed(stamp.control.route_id)
    return stamp


def correct_stamp(*, stamp: Stamp, car_number: int, at: datetime, reason: str, actor: Any) -> Stamp:
    """Void a stamp and put the official's time (or number) in its place, in one step."""
    with transaction.atomic():
        void_stamp(stamp=stamp, reason=reason, actor=actor)
        return add_official_stamp(
            control=stamp.control, car_number=car_number, at=at, reason=reason, actor=actor
        )


@dataclass(frozen=True)
class ImportLine:
    car_number: int
    control_code: str
    at: datetime


MAX_CSV_BYTES = 2 * 1024 * 1024


def parse_clock(text: str, day: datetime) -> datetime | None:
    """A time typed as HH:MM, HH:MM:SS or HH:MM:SS.t on the day of ``day`` (its zone)."""
    text = text.strip()
    for pattern in ("%H:%M:%S.%f", "%H:%M:%S", "%H:%M"):
        try:
            clock = datetime.strptime(text, pattern).time()
        except ValueError:
            continue
        return datetime.combine(day.date(), clock, tzinfo=day.tzinfo)
    return None


def route_day(route: Route) -> datetime:
    """Midnight of the route's day in the event's zone: typed times are read on it."""
    local = timezone.localtime(route.standard_start, route.session.event.zone)
    return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)


def read_stamps_csv(
    data: bytes, *, day: datetime, codes: set[str]
) -> tuple[list[ImportLine], list[str]]:
    """The lines of a stamps CSV (``number,control,time``, a header line optional) and the
    errors, each naming its line; the import goes ahead only when there is none."""
    errors: list[str] = []
    lines: list[ImportLine] = []
    if len(data) > MAX_CSV_BYTES:
        return [], [_("The file is larger than 2 MB.")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("The file is not UTF-8 text.")]
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip():
            continue
        if number == 1 and row[0].strip().lower() == "number":
            continue
        if len(row) != 3:
            errors.append(_("Line %(line)s: give number,control,time.") % {"line": number})
            continue
        car, code, clock = (cell.strip() for cell in row)
        moment = parse_clock(clock, day)
        if not car.isdigit():
            errors.append(_("Line %(line)s: the car number is not a number.") % {"line": number})
        elif code.upper() not in codes:
            errors.append(
                _("Line %(line)s: no control “%(code)s” on the route.")
                % {"line": number, "code": code}
            )
        elif moment is None:
            errors.append(_("Line %(line)s: type the time as HH:MM:SS.") % {"line": number})
        else:
            lines.append(ImportLine(car_number=int(car), control_code=code.upper(), at=moment))
    if not lines and not errors:
        errors.append(_("The file has no stamps."))
    return lines, errors


def import_stamps(*, route: Route, lines: Sequence[ImportLine], actor: Any) -> int:
    """Stamps from a CSV (number,control,time), added to what the phones sent. Returns the
    number recorded; the caller has checked every line, so one bad code refuses all."""
    controls = {control.code: control for control in route.controls.all()}
    missing = sorted({line.control_code for line in lines} - set(controls))
    if missing:
        raise RouteError(_("Unknown control: %(codes)s.") % {"codes": ", ".join(missing)})
    with transaction.atomic():
        Stamp.objects.bulk_create(
            Stamp(
                control=controls[line.control_code],
                car_number=line.car_number,
                at=line.at,
                source=Stamp.Source.IMPORT,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            for line in lines
        )
        _audit(
            event_id=route.session.event_id,
            action="stamps_imported",
            actor=actor,
            detail=str(len(lines)),
        )
        _stamps_changed(route.pk)
    return len(lines)


# --- touring: crews and the waypoint passport ---


def add_crew_member(*, entry: Any, **fields: Any) -> CrewMember:
    return CrewMember.objects.create(entry=entry, **fields)


def remove_crew_member(*, member: CrewMember) -> None:
    member.delete()


def stamp_passport(*, control: Control, car_number: int) -> tuple[Stamp, bool]:
    """The crew scanned the waypoint's QR code with their passport. Once per waypoint: a second
    scan answers the first stamp (and False)."""
    with transaction.atomic():
        Route.objects.select_for_update().get(pk=control.route_id)
        existing = control.stamps.filter(car_number=car_number, voided_at__isnull=True).first()
        if existing is not None:
            return existing, False
        stamp = Stamp.objects.create(
            control=control, car_number=car_number, at=timezone.now(), source=Stamp.Source.CREW
        )
        _stamps_changed(control.route_id)
    return stamp, True


# --- results through the one results service ---


def _local_clock(moment_ms: int | None, zone: Any) -> str | None:
    if moment_ms is None:
        return None
    return datetime.fromtimestamp(moment_ms / 1000, tz=zone).isoformat(timespec="milliseconds")


def result_lines(route: Route) -> list[ResultLine]:
    """The final scores as result lines: classified crews by position, excluded ones DSQ, crews
    that never started DNS. Each row's ``extra`` holds the API contract's columns."""
    board = scoreboard(route, final=True)
    zone = route.session.event.zone
    lines = []
    for standing in board.standings:
        crew = standing.crew
        info = board.crews.get(crew.number)
        if standing.position is not None:
            status = ResultStatus.CLASSIFIED
        elif crew.excluded:
            status = ResultStatus.DSQ
        else:
            status = ResultStatus.DNS
        lines.append(
            ResultLine(
                car_number=str(crew.number),
                status=status,
                position=standing.position,
                driver_name=info.crew if info else "",
                class_name=info.class_name if info else "",
                penalty_reason=_("Over the maximum lateness") if crew.excluded else "",
                extra={
                    "penalty_points": float(crew.penalty),
                    "zeros": crew.zeros,
                    "controls": [
                        {
                            "code": score.code,
                            "kind": str(score.kind),
                            "ideal": _local_clock(score.ideal_ms, zone),
                            "actual": _local_clock(score.actual_ms, zone),
                            "delta_ms": score.delta_ms,
                            "penalty": float(score.penalty),
                            "outcome": str(score.outcome),
                            "dropped": score.dropped,
                        }
                        for score in crew.controls
                    ],
                },
            )
        )
    return lines


def publish_regularity_results(
    *, session: Session, by: Any = None, official: bool = False, reason: str = ""
) -> SessionResult:
    """Score the route from its stamps and publish (provisional or official) through
    ``publish_results``, so championships follow as for any session."""
    route = Route.objects.filter(session=session).select_related("session__event").first()
    if route is None or route.is_touring:
        raise ResultsError(_("This session has no regularity route to score."))
    try:
        lines = result_lines(route)
    except RouteErrorInEngine as error:
        raise ResultsError(
            _("A section of the route has neither a time nor a distance and a speed.")
        ) from error
    if not lines:
        raise ResultsError(_("There are no crews to classify."))
    return publish_results(
        session=session,
        lines=lines,
        source=SessionResult.Source.TYPED,
        by=by,
        official=official,
        reason=reason,
    )
