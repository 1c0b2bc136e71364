"""Kart meetings as pages show them: a stage's grid sheet (places, drivers, karts, ballast)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from events.engine import karting as engine
from events.models import DriverWeight, Entry, Event, ResultRow, Session, StartingGrid
from racing.queries.drivers import public_name


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
