"""Kart meetings read: which sessions are the stages, their results as heat lines, the heat
ranking, and a stage's grid sheet (places, drivers, karts, ballast).

The meeting is an event's sessions scored as kart heats, in start order: the ``heat`` sessions
(and any other kind but ``final``) are the heats; of the ``final`` sessions the last is the final
and, when the rules have a pre-final, the one before it is the pre-final.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from events.engine import karting as engine
from events.models import (
    DriverWeight,
    Entry,
    Event,
    ResultRow,
    ResultStatus,
    Session,
    SessionFormat,
    StartingGrid,
)
from racing.queries.drivers import public_name


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


def later_kart_stages(session: Session) -> list[Session]:
    """The pre-final and final after a heat (their rows show heat totals); none after others."""
    stage = stage_of(session)
    if stage is None or stage.stage != Stage.HEAT:
        return []
    return [s.session for s in meeting_of(session.event) if s.stage != Stage.HEAT]


def stage_of(session: Session) -> MeetingStage | None:
    return next((s for s in meeting_of(session.event) if s.session.pk == session.pk), None)


# --------------------------------------------------------------------------- reading results

_FINISH: dict[str, engine.Finish] = {
    ResultStatus.CLASSIFIED: engine.Finish.FINISHED,
    ResultStatus.NC: engine.Finish.NOT_FINISHED,
    ResultStatus.DNF: engine.Finish.NOT_FINISHED,
    ResultStatus.DNS: engine.Finish.NOT_STARTED,
    ResultStatus.DSQ: engine.Finish.DISQUALIFIED,
}


def heat_lines(session: Session) -> list[engine.HeatLine]:
    """A session's published result as heat lines; grid drivers with no row did not start.
    Empty while the session has no results."""
    rows = list(ResultRow.objects.filter(result__session=session).order_by("order"))
    if not rows:
        return []  # not run yet (or its results are not in)
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
    seed = grid_seed(stages[0].session)
    return engine.rank_after_heats(
        heats, rules.heat_points, qualifying=qualifying_order(event), seed=seed
    )


def grid_seed(session: Session) -> str:
    grid = StartingGrid.objects.filter(session=session).first()
    return grid.seed if grid else ""


@dataclass(frozen=True)
class GridPlace:
    place: int
    car_number: str
    driver_name: str
    class_name: str
    kart: str
    weight_kg: Decimal | None
    weighed: bool  # weighed by staff here (else: from the driver's profile)
    minimum_kg: Decimal | None
    ballast_kg: Decimal | None


@dataclass(frozen=True)
class DriverScale:
    car_number: str
    driver_name: str
    class_name: str
    weight_kg: Decimal | None
    weighed: bool
    minimum_kg: Decimal | None
    ballast_kg: Decimal | None


def _entries(event: Event) -> dict[str, Entry]:
    entries = (
        Entry.objects.filter(event=event, car_number__isnull=False, status__in=Entry.PLACE_STATUSES)
        .select_related("driver__driver_profile", "entry_class__competition_class")
        .order_by("car_number")
    )
    return {str(entry.car_number): entry for entry in entries}


def _minimum(entry: Entry | None) -> Decimal | None:
    if entry is None or entry.entry_class.competition_class is None:
        return None
    return entry.entry_class.competition_class.eligibility_rules.min_driver_weight_kg


def driver_scales(event: Event, *, step_kg: Decimal) -> list[DriverScale]:
    """Every entered car's driver weight (weighed here, else the profile's) and ballast."""
    weighed = {w.car_number: w.weight_kg for w in DriverWeight.objects.filter(event=event)}
    scales = []
    for number, entry in _entries(event).items():
        profile = getattr(entry.driver, "driver_profile", None)
        weight = weighed.get(number, getattr(profile, "weight_kg", None))
        minimum = _minimum(entry)
        scales.append(
            DriverScale(
                car_number=number,
                driver_name=public_name(entry.driver),
                class_name=entry.entry_class.name,
                weight_kg=weight,
                weighed=number in weighed,
                minimum_kg=minimum,
                ballast_kg=engine.ballast_kg(weight, minimum, step_kg=step_kg),
            )
        )
    return scales


def grid_sheet(session: Session, *, step_kg: Decimal) -> list[GridPlace]:
    grid = StartingGrid.objects.filter(session=session).first()
    if grid is None:
        return []
    scales = {s.car_number: s for s in driver_scales(session.event, step_kg=step_kg)}
    # Without entries here (taken elsewhere), names come from the meeting's results.
    names = dict(
        ResultRow.objects.filter(result__session__event=session.event, car_number__in=grid.order)
        .order_by("result__session__starts_at")
        .values_list("car_number", "driver_name")
    )
    places = []
    for place, number in enumerate(grid.order, start=1):
        scale = scales.get(number)
        places.append(
            GridPlace(
                place=place,
                car_number=number,
                driver_name=scale.driver_name if scale else names.get(number, ""),
                class_name=scale.class_name if scale else "",
                kart=str(grid.karts.get(number, "")),
                weight_kg=scale.weight_kg if scale else None,
                weighed=scale.weighed if scale else False,
                minimum_kg=scale.minimum_kg if scale else None,
                ballast_kg=scale.ballast_kg if scale else None,
            )
        )
    return places


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


def stage_label(stage: MeetingStage) -> str:
    if stage.stage == Stage.HEAT:
        return _("Heat %(number)s") % {"number": stage.number}
    if stage.stage == Stage.PREFINAL:
        return _("Pre-final")
    return _("Final")


@dataclass(frozen=True)
class BoardGrid:
    title: str
    session: Session
    places: list[GridPlace]


def board_grids(session: Session) -> list[BoardGrid]:
    """For a kart stage's live board: its own grid (before the start) and the next stage's."""
    stages = meeting_of(session.event)
    index = next((i for i, s in enumerate(stages) if s.session.pk == session.pk), None)
    if index is None:
        return []
    step = engine_rules(session).ballast_step_kg
    grids = []
    for position, stage in enumerate(stages[index : index + 2]):
        places = grid_sheet(stage.session, step_kg=step)
        if places:
            label = stage_label(stage)
            title = (
                _("Grid: %(stage)s") % {"stage": label}
                if position == 0
                else _("Next grid: %(stage)s") % {"stage": label}
            )
            grids.append(BoardGrid(title=title, session=stage.session, places=places))
    return grids
