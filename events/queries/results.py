"""Reads for results, charts and championships, with their joins done once."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch, QuerySet

from events.models import (
    Championship,
    ChampionshipStanding,
    Event,
    LapRecord,
    ResultRow,
    Session,
    SessionResult,
)


def public_event_sessions(event: Event) -> QuerySet[Session]:
    """The event's sessions, each with its result (if any) and that result's rows."""
    return (
        event.sessions.select_related("result")
        .prefetch_related(Prefetch("result__rows", queryset=ResultRow.objects.order_by("order")))
        .order_by("starts_at", "pk")
    )


def result_with_rows(session: Session) -> SessionResult | None:
    return (
        SessionResult.objects.filter(session=session)
        .prefetch_related(
            Prefetch("rows", queryset=ResultRow.objects.order_by("order")),
            "revisions",
        )
        .first()
    )


def laps_by_car(session: Session) -> tuple[dict[str, list[tuple[int, int | None]]], ...]:
    """(car -> [(lap, position)], car -> [(lap, lap time ms)]) for the charts."""
    positions: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
    times: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
    for car, lap, position, lap_time_ms in LapRecord.objects.filter(session=session).values_list(
        "car_number", "lap", "position", "lap_time_ms"
    ):
        positions[car].append((lap, position))
        times[car].append((lap, lap_time_ms))
    return dict(positions), dict(times)


def driver_result_rows(driver: Any) -> QuerySet[ResultRow]:
    """A driver's results in public events, newest first: only what the public pages show."""
    return (
        ResultRow.objects.filter(driver=driver)
        .exclude(result__session__event__status=Event.Status.DRAFT)
        .select_related("result__session__event__organization")
        .order_by("-result__session__starts_at")
    )


def public_championships() -> QuerySet[Championship]:
    return Championship.objects.filter(is_public=True).select_related("organization")


def championships_of_event(event: Event) -> QuerySet[Championship]:
    """The public championships that have a round at this event."""
    return public_championships().filter(rounds__session__event=event).distinct()


def standings_of(championship: Championship) -> QuerySet[ChampionshipStanding]:
    return championship.standings.select_related("driver").order_by(
        "class_order", "position", "name"
    )


def rounds_of(championship: Championship) -> list[tuple[int, Session]]:
    return [
        (round_.pk, round_.session)
        for round_ in championship.rounds.select_related("session__event").order_by(
            "session__starts_at", "pk"
        )
    ]
