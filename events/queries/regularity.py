"""Reads for regularity rallies and tours: routes for staff, a control for its marshal's token,
the crews, the live and final scores, and the clerk's conflicts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from events.engine import regularity as engine
from events.models import Control, Entry, Event, Route, Session, SessionFormat, Stamp
from events.queries.events import event_for_staff
from racing.queries.drivers import public_name


def session_for_staff(user: Any, org_slug: str, slug: str, session_id: int) -> Session:
    event = event_for_staff(user, org_slug, slug)
    return get_object_or_404(
        Session.objects.select_related("event__organization"), event=event, pk=session_id
    )


def route_of(session: Session) -> Route | None:
    return Route.objects.filter(session=session).first()


def control_for_token(token: str) -> Control:
    """The control a marshal's QR code opens; a revoked or unknown token is a 404."""
    if not token or len(token) > 40:
        raise Http404
    return get_object_or_404(
        Control.objects.select_related("route__session__event__organization"), token=token
    )


def control_for_waypoint(token: str) -> Control:
    if not token or len(token) > 40:
        raise Http404
    return get_object_or_404(
        Control.objects.select_related("route__session__event"),
        waypoint_token=token,
        route__mode=Route.Mode.TOURING,
    )


def public_route(event: Event, session_id: int) -> Route:
    """A published route card of a public event, for crews and fans."""
    if not event.is_public:
        raise Http404
    return get_object_or_404(
        Route.objects.select_related("session__event"),
        session__event=event,
        session_id=session_id,
        published_at__isnull=False,
    )


def sections(route: Route) -> list[engine.Section]:
    return [
        engine.Section(
            code=control.code,
            kind=engine.Kind(control.kind),
            distance_m=control.distance_m,
            speed_kmh=control.speed_kmh,
            section_ms=control.section_s * 1000
            if control.section_s is not None
            else (0 if route.is_touring and not control.speed_kmh else None),
        )
        for control in route.controls.all()
    ]


@dataclass(frozen=True)
class Crew:
    number: int
    crew: str  # "Driver / Navigator"
    class_name: str
    car_year: int | None
    entry_id: int | None = None


def crews(event: Event) -> dict[int, Crew]:
    """The event's entries holding a place and a car number, as crews."""
    entries = (
        Entry.objects.filter(event=event, car_number__isnull=False, status__in=Entry.PLACE_STATUSES)
        .select_related(
            "driver__driver_profile", "co_driver__driver_profile", "entry_class", "vehicle"
        )
        .order_by("car_number")
    )
    result: dict[int, Crew] = {}
    for entry in entries:
        names = [public_name(entry.driver)]
        if entry.co_driver_id:
            names.append(public_name(entry.co_driver))
        assert entry.car_number is not None
        result[entry.car_number] = Crew(
            number=entry.car_number,
            crew=" / ".join(name for name in names if name),
            class_name=entry.entry_class.name,
            car_year=entry.vehicle.year if entry.vehicle_id and entry.vehicle else None,
            entry_id=entry.pk,
        )
    return result


def active_stamps(route: Route) -> list[Stamp]:
    return list(
        Stamp.objects.filter(control__route=route, voided_at__isnull=True)
        .select_related("control")
        .order_by("control__position", "car_number", "at", "pk")
    )


def _ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def moment(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


@dataclass(frozen=True)
class Scoreboard:
    route: Route
    rules: engine.Rules
    standings: list[engine.Standing]
    crews: dict[int, Crew]


def session_rules(session: Session) -> engine.Rules:
    """The session's rules when it is scored as a regularity rally, else the default system."""
    if session.format == SessionFormat.REGULARITY:
        return engine.rules_from_format(session.checked_rules)
    return engine.PRESETS[engine.DEFAULT_PRESET]


def scoreboard(route: Route, *, final: bool) -> Scoreboard:
    """Every crew's score: the entered crews and any number stamped (a crew entered elsewhere).
    Where a car has two stamps at one control (a conflict for the clerk) the first counts."""
    session = route.session
    rules = session_rules(session)
    route_sections = sections(route)
    crew_info = crews(session.event)
    stamps: dict[int, dict[str, int]] = defaultdict(dict)
    for stamp in active_stamps(route):
        stamps[stamp.car_number].setdefault(stamp.control.code, _ms(stamp.at))
    interval_ms = route.interval_s * 1000
    standard_ms = _ms(route.standard_start)
    scores = [
        engine.score_crew(
            number=number,
            sections=route_sections,
            start_ms=engine.scheduled_start_ms(standard_ms, number, interval_ms),
            stamps=stamps.get(number, {}),
            rules=rules,
            final=final,
            car_year=crew_info[number].car_year if number in crew_info else None,
        )
        for number in sorted(set(crew_info) | set(stamps))
    ]
    return Scoreboard(route=route, rules=rules, standings=engine.rank(scores), crews=crew_info)


@dataclass(frozen=True)
class Conflict:
    kind: str  # "double" or "order"
    car_number: int
    control: Control
    stamps: list[Stamp]


def conflicts(route: Route) -> list[Conflict]:
    """Two active stamps for a car at one control, and a car stamped at a control earlier than
    at the control before it on the route."""
    found: list[Conflict] = []
    by_car: dict[int, list[Stamp]] = defaultdict(list)
    for stamp in active_stamps(route):
        by_car[stamp.car_number].append(stamp)
    for number, car_stamps in sorted(by_car.items()):
        at_control: dict[int, list[Stamp]] = defaultdict(list)
        for stamp in car_stamps:
            at_control[stamp.control.position].append(stamp)
        for group in at_control.values():
            if len(group) > 1:
                found.append(
                    Conflict(
                        kind="double", car_number=number, control=group[0].control, stamps=group
                    )
                )
        previous: Stamp | None = None
        for position in sorted(at_control):
            first = at_control[position][0]
            if previous is not None and first.at < previous.at:
                found.append(
                    Conflict(
                        kind="order",
                        car_number=number,
                        control=first.control,
                        stamps=[previous, first],
                    )
                )
            previous = first
    return found


@dataclass(frozen=True)
class RollCallLine:
    crew: Crew
    members: list[Any]
    last_control: Control | None
    last_at: datetime | None
    arrived: bool


def roll_call(route: Route) -> list[RollCallLine]:
    """Every crew with where it was last seen and who rides in it, those not yet at the last
    control first (the longest unseen first): the safety officer's list."""
    from events.models import CrewMember

    controls = list(route.controls.all())
    last_position = controls[-1].position if controls else None
    crew_info = crews(route.session.event)
    seen: dict[int, Stamp] = {}
    for stamp in active_stamps(route):
        furthest = seen.get(stamp.car_number)
        if furthest is None or stamp.control.position >= furthest.control.position:
            seen[stamp.car_number] = stamp
    members: dict[int, list[Any]] = defaultdict(list)
    for member in CrewMember.objects.filter(entry__event=route.session.event).select_related(
        "entry"
    ):
        if member.entry.car_number is not None:
            members[member.entry.car_number].append(member)
    lines = []
    for number in sorted(set(crew_info) | set(seen)):
        last = seen.get(number)
        lines.append(
            RollCallLine(
                crew=crew_info.get(number)
                or Crew(number=number, crew="", class_name="", car_year=None),
                members=members.get(number, []),
                last_control=last.control if last else None,
                last_at=last.at if last else None,
                arrived=last is not None and last.control.position == last_position,
            )
        )
    never = datetime.min.replace(tzinfo=UTC)
    lines.sort(key=lambda line: (line.arrived, line.last_at or never, line.crew.number))
    return lines
