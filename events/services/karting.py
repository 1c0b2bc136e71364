"""Kart meetings: making each stage's grid, the kart draw, weighing drivers, heat points on rows.

Which sessions are the meeting's stages, and reading their results, is events/queries/karting.py.
Each stage's grid is made by staff when the stage before it is over (events/views/karting.py);
the rules are events/engine/karting.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.engine import karting as engine
from events.exceptions import EventsError
from events.models import AuditLog, DriverWeight, Event, Session, StartingGrid
from events.queries.karting import (
    Stage,
    engine_rules,
    grid_seed,
    heat_lines,
    heat_ranking,
    meeting_of,
    qualifying_order,
    stage_of,
)
from events.queries.roster import roster_for


class KartingError(EventsError):
    pass


# --------------------------------------------------------------------------- making grids


def _actor(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


def _audit(event: Event, *, action: str, by: Any, detail: str) -> None:
    AuditLog.objects.create(
        event=event,
        actor=_actor(by),
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
            "made_by": _actor(by),
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
    return _save_grid(session, order, source=source, seed=grid_seed(stages[0].session), by=by)


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
    roster = roster_for(event)
    if roster and car_number not in roster:
        raise KartingError(
            _("Car %(number)s is not entered in this event.") % {"number": car_number}
        )
    weight, _created = DriverWeight.objects.update_or_create(
        event=event,
        car_number=car_number,
        defaults={
            "weight_kg": weight_kg,
            "weighed_at": timezone.now(),
            "weighed_by": _actor(by),
        },
    )
    _audit(
        event,
        action="driver_weighed",
        by=by,
        detail=_("Car %(number)s weighed %(kg)s kg") % {"number": car_number, "kg": weight_kg},
    )
    return weight
