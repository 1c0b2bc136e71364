"""Kart meetings: making each stage's grid, the kart draw, weighing drivers, heat points on rows.

The meeting is an event's sessions scored as kart heats, in start order: the ``heat`` sessions are
the heats; of the ``final`` sessions the last is the final and, when the rules have a pre-final,
the one before it is the pre-final. Each stage's grid is made by staff when the stage before it is
over (events/views/karting.py); the rules are events/engine/karting.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.engine import karting as engine
from events.exceptions import EventsError
from events.models import (
    AuditLog,
    DriverWeight,
    Event,
    ResultRow,
    ResultStatus,
    Session,
    SessionFormat,
    StartingGrid,
)
from events.queries.roster import roster_for


class KartingError(EventsError):
    pass


class Stage:
    HEAT = "heat"
    PREFINAL = "prefinal"
    FINAL = "final"


@dataclass(frozen=True)
class MeetingStage:
    session: Session
    stage: str
    number: int  # heat number (1, 2, ...); 1 for the pre-final and the final


def engine_rules(session: Session) -> engine.KartRules:
    return engine.kart_rules(session.checked_rules)


def meeting_of(event: Event) -> list[MeetingStage]:
    """The event's kart-heats sessions as stages of one meeting, in start order."""
    sessions = list(
        event.sessions.filter(format=SessionFormat.KART_HEATS).order_by("starts_at", "pk")
    )
    heats = [s for s in sessions if s.kind != Session.Kind.FINAL]
    finals = [s for s in sessions if s.kind == Session.Kind.FINAL]
    stages = [MeetingStage(s, Stage.HEAT, n) for n, s in enumerate(heats, start=1)]
    if finals:
        has_prefinal = len(finals) > 1 and engine_rules(finals[-1]).prefinal
        if has_prefinal:
            stages.append(MeetingStage(finals[-2], Stage.PREFINAL, 1))
        stages.append(MeetingStage(finals[-1], Stage.FINAL, 1))
    return stages


def stage_of(session: Session) -> MeetingStage | None:
    return next((s for s in meeting_of(session.event) if s.session.pk == session.pk), None)


# --------------------------------------------------------------------------- reading results

_FINISH = {
    ResultStatus.CLASSIFIED: engine.Finish.FINISHED,
    ResultStatus.NC: engine.Finish.NOT_FINISHED,
    ResultStatus.DNF: engine.Finish.NOT_FINISHED,
    ResultStatus.DNS: engine.Finish.NOT_STARTED,
    ResultStatus.DSQ: engine.Finish.DISQUALIFIED,
}


def heat_lines(session: Session) -> list[engine.HeatLine]:
    """A session's published result as heat lines; grid drivers with no row did not start."""
    rows = list(ResultRow.objects.filter(result__session=session).order_by("order"))
    lines = [
        engine.HeatLine(
            row.car_number,
            _FINISH.get(row.status, engine.Finish.NOT_FINISHED),
            row.position if row.status == ResultStatus.CLASSIFIED else None,
        )
        for row in rows
    ]
    seen = {row.car_number for row in rows}
    grid = StartingGrid.objects.filter(session=session).first()
    for number in grid.order if grid else []:
        if number not in seen:
            lines.append(engine.HeatLine(number, engine.Finish.NOT_STARTED))
    return lines


def qualifying_order(event: Event) -> list[str]:
    """Car numbers in the order of the event's last qualifying session with results."""
    session = (
        event.sessions.filter(kind=Session.Kind.QUALIFYING, result__isnull=False)
        .order_by("-starts_at", "-pk")
        .first()
    )
    if session is None:
        return []
    return list(
        ResultRow.objects.filter(result__session=session, status=ResultStatus.CLASSIFIED)
        .order_by("order")
        .values_list("car_number", flat=True)
    )


def heat_ranking(event: Event) -> list[engine.Ranked]:
    stages = meeting_of(event)
    heats = [heat_lines(s.session) for s in stages if s.stage == Stage.HEAT]
    heats = [lines for lines in heats if lines]
    if not heats:
        return []
    rules = engine_rules(stages[0].session)
    seed = _grid_seed(stages[0].session)
    return engine.rank_after_heats(
        heats, rules.heat_points, qualifying=qualifying_order(event), seed=seed
    )


def _grid_seed(session: Session) -> str:
    grid = StartingGrid.objects.filter(session=session).first()
    return grid.seed if grid else ""


# --------------------------------------------------------------------------- making grids


def _audit(event: Event, *, action: str, by: Any, detail: str) -> None:
    AuditLog.objects.create(
        event=event,
        actor=by if getattr(by, "is_authenticated", False) else None,
        action=action,
        detail=detail[:2000],
    )


def _save_grid(
    session: Session, order: Sequence[str], *, source: str, seed: str, by: Any
) -> StartingGrid:
    grid, _created = StartingGrid.objects.update_or_create(
        session=session,
        defaults={
            "order": list(order),
            "source": source,
            "seed": seed,
            "karts": {},
            "kart_seed": "",
            "made_at": timezone.now(),
            "made_by": by if getattr(by, "is_authenticated", False) else None,
        },
    )
    _audit(
        session.event,
        action="grid_made",
        by=by,
        detail=_("%(session)s grid (%(source)s, seed %(seed)s): %(grid)s")
        % {
            "session": session.display_name,
            "source": grid.get_source_display(),
            "seed": seed or "-",
            "grid": " ".join(order),
        },
    )
    return grid


@transaction.atomic
def make_heat_grids(
    *, event: Event, by: AbstractBaseUser | None = None, seed: str | None = None
) -> list[StartingGrid]:
    """Split the drivers into groups and make every heat's grid, from one draw seed."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    stages = [s for s in meeting_of(event) if s.stage == Stage.HEAT]
    if not stages:
        raise KartingError(_("This event has no heat sessions scored as kart heats."))
    entrants = list(roster_for(event))
    qualifying = qualifying_order(event)
    if not entrants:
        entrants = qualifying
    if len(entrants) < 2:
        raise KartingError(_("A kart meeting needs at least two entered drivers with numbers."))
    rules = engine_rules(stages[0].session)
    seed = seed or secrets.token_hex(8)
    plan = engine.plan_heats(
        rules,
        qualifying=[number for number in qualifying if number in set(entrants)],
        entrants=entrants,
        seed=seed,
    )
    if len(plan.heats) != len(stages):
        raise KartingError(
            _(
                "%(drivers)s drivers in %(groups)s groups race %(needed)s heats, but the event "
                "has %(sessions)s heat sessions. Add or remove heat sessions first."
            )
            % {
                "drivers": len(entrants),
                "groups": len(plan.groups),
                "needed": len(plan.heats),
                "sessions": len(stages),
            }
        )
    source = (
        StartingGrid.Source.DRAW
        if rules.heat_grid is engine.GridOrder.DRAW or not qualifying
        else StartingGrid.Source.QUALIFYING
    )
    return [
        _save_grid(stage.session, heat.grid, source=source, seed=seed, by=by)
        for stage, heat in zip(stages, plan.heats, strict=True)
    ]


@transaction.atomic
def make_final_grid(*, session: Session, by: AbstractBaseUser | None = None) -> StartingGrid:
    """The pre-final's or the final's grid, from the heat points or the pre-final's result."""
    stage = stage_of(session)
    if stage is None or stage.stage == Stage.HEAT:
        raise KartingError(_("Only a pre-final or a final takes its grid from earlier stages."))
    rules = engine_rules(session)
    ranking = heat_ranking(session.event)
    if not ranking:
        raise KartingError(_("No heat has results yet: publish the heat results first."))
    stages = meeting_of(session.event)
    prefinal = next((s for s in stages if s.stage == Stage.PREFINAL), None)
    if (
        stage.stage == Stage.FINAL
        and prefinal is not None
        and rules.final_grid_from is engine.FinalGridFrom.PREFINAL
    ):
        lines = heat_lines(prefinal.session)
        if not lines:
            raise KartingError(_("The pre-final has no results yet: publish them first."))
        order = engine.grid_from_result(lines, rules, ranking=ranking)
        source = StartingGrid.Source.PREFINAL
    else:
        order = engine.grid_from_ranking(ranking, rules)
        source = StartingGrid.Source.HEAT_POINTS
    return _save_grid(session, order, source=source, seed=_grid_seed(stages[0].session), by=by)


@transaction.atomic
def draw_karts(
    *,
    session: Session,
    karts: Sequence[str],
    by: AbstractBaseUser | None = None,
    seed: str | None = None,
) -> StartingGrid:
    """Draw a kart for every driver on the grid, avoiding karts they drove earlier here.

    The seed is random unless given (the demo gives one, to be the same on every run); it is kept
    on the grid and in the audit log, so anyone can re-run the draw and check it.
    """
    grid = StartingGrid.objects.select_for_update().filter(session=session).first()
    if grid is None:
        raise KartingError(_("Make the grid first, then draw the karts."))
    fleet = list(dict.fromkeys(k.strip() for k in karts if k.strip()))
    if len(fleet) < len(grid.order):
        raise KartingError(
            _("%(drivers)s drivers need at least %(drivers)s karts; %(karts)s were given.")
            % {"drivers": len(grid.order), "karts": len(fleet)}
        )
    driven: dict[str, list[str]] = {}
    for other in StartingGrid.objects.filter(session__event=session.event).exclude(pk=grid.pk):
        for number, kart in other.karts.items():
            driven.setdefault(number, []).append(kart)
    seed = seed or secrets.token_hex(8)
    draw = engine.draw_karts(grid.order, fleet, seed=seed, driven=driven)
    grid.karts = draw.karts
    grid.kart_seed = seed
    grid.save(update_fields=["karts", "kart_seed"])
    detail = _("%(session)s kart draw (seed %(seed)s): %(karts)s") % {
        "session": session.display_name,
        "seed": seed,
        "karts": ", ".join(f"#{n}→{k}" for n, k in draw.karts.items()),
    }
    if draw.repeats:
        detail += " " + _("Same kart again, unavoidably: %(cars)s") % {
            "cars": ", ".join(f"#{n}" for n in draw.repeats)
        }
    _audit(session.event, action="karts_drawn", by=by, detail=detail)
    return grid


@transaction.atomic
def record_weight(
    *, event: Event, car_number: str, weight_kg: Decimal, by: AbstractBaseUser | None = None
) -> DriverWeight:
    if not Decimal(15) <= weight_kg <= Decimal(250):
        raise KartingError(_("A driver's weight must be between 15 and 250 kg."))
    if roster_for(event) and car_number not in roster_for(event):
        raise KartingError(_("Car %(number)s is not entered in this event.") % {"number": car_number})
    weight, _created = DriverWeight.objects.update_or_create(
        event=event,
        car_number=car_number,
        defaults={
            "weight_kg": weight_kg,
            "weighed_at": timezone.now(),
            "weighed_by": by if getattr(by, "is_authenticated", False) else None,
        },
    )
    _audit(
        event,
        action="driver_weighed",
        by=by,
        detail=_("Car %(number)s weighed %(kg)s kg") % {"number": car_number, "kg": weight_kg},
    )
    return weight


# --------------------------------------------------------------------------- heat points on rows


def kart_extras(session: Session, numbers: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``heat_points`` and ``grid`` for each car of a kart-heats session's result.

    In a heat: the points the car scored in it. In a pre-final or final: its heat points total.
    ``grid``: its place on the stage's starting grid (None when it was not on it).
    """
    stage = stage_of(session)
    if stage is None:
        return {}
    grid = StartingGrid.objects.filter(session=session).first()
    places = {number: i for i, number in enumerate(grid.order, start=1)} if grid else {}
    if stage.stage == Stage.HEAT:
        points: dict[str, int] = {}
        lines = heat_lines(session)
        if lines:
            points = engine.heat_points(lines, engine_rules(session).heat_points)
    else:
        points = {r.driver: r.points for r in heat_ranking(session.event)}
    return {
        number: {"heat_points": points.get(number), "grid": places.get(number)}
        for number in numbers
    }
