"""Read API of official results and championship standings (public data only).

Included by events/api/events.py, so it lives under /api/events/ in the OpenAPI document.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from events.models import Championship, Event, SessionResult
from events.queries.results import public_event_sessions, rounds_of, standings_of
from events.services.formats import format_of

router = Router(tags=["results"])


class ResultRowOut(Schema):
    position: int | None
    car_number: str
    status: str
    driver: str
    team: str
    class_name: str
    laps: int | None
    total_ms: int | None
    gap_ms: int | None
    gap_laps: int | None
    best_lap_ms: int | None
    best_lap_no: int | None
    fastest_lap: bool
    penalty_ms: int
    penalty_positions: int
    penalty_reason: str


class TimedRunOut(Schema):
    run: int
    time_ms: int | None
    cones: int
    gates: int
    status: str
    penalised_ms: int | None
    counted: bool


class TimedRunsRowOut(Schema):
    """A row of a timed-runs session: ``best_ms`` when one run counts, ``total_ms`` when the best
    K count; ``indexed_ms`` (and ``indexed_position``) only when the rules give class indexes."""

    position: int | None
    class_position: int | None
    number: str
    name: str
    class_: str = Field(..., alias="class")
    status: str
    runs: list[TimedRunOut]
    best_ms: int | None = None
    total_ms: int | None = None
    indexed_ms: int | None = None
    indexed_position: int | None = None


class KartHeatsRowOut(ResultRowOut):
    """A row of a kart heat, pre-final or final: ``heat_points`` is the points scored in a heat,
    or the heat total in a pre-final or final; ``grid`` is the starting place."""

    heat_points: int | None
    grid: int | None


class EfficiencyRowOut(Schema):
    """A row of an efficiency run: energy used (kWh), distance (km) and kWh/100 km, lower first;
    ``penalty_percent`` is what going over the time window added to the energy."""

    position: int | None
    car_number: str
    status: str
    driver: str
    team: str
    class_name: str
    energy_kwh: float | None
    distance_km: float | None
    kwh_per_100km: float | None
    elapsed_ms: int | None
    penalty_percent: float | None


class RegularityControlOut(Schema):
    code: str
    kind: str
    ideal: str | None  # ISO 8601 in the event's zone
    actual: str | None
    delta_ms: int | None
    penalty: float


class RegularityRowOut(Schema):
    """A crew of a regularity rally: lowest ``penalty_points`` first; ``zeros`` breaks ties."""

    position: int | None
    number: str
    crew: str
    class_: str = Field(..., alias="class")
    penalty_points: float | None
    zeros: int
    controls: list[RegularityControlOut]


class SessionResultOut(Schema):
    session_id: int
    session: str
    kind: str
    format: str
    rules: dict[str, Any]
    starts_at: datetime
    state: str
    official_at: datetime | None
    revision: int
    # One schema per session format; the rows are built by the format's ``api_row`` in
    # events/services/formats.py. A new format adds its schema to this union.
    rows: list[
        KartHeatsRowOut | EfficiencyRowOut | ResultRowOut | TimedRunsRowOut | RegularityRowOut
    ]


class EventResultsOut(Schema):
    slug: str
    title: str
    sessions: list[SessionResultOut]


class RoundScoreOut(Schema):
    round: int
    points: int
    position: int | None
    status: str | None
    dropped: bool
    pole: bool
    fastest_lap: bool


class StandingOut(Schema):
    position: int
    tied: bool
    driver: str
    points: int
    points_before_drops: int
    wins: int
    starts: int
    promoted: bool
    promoted_to: str
    scores: list[RoundScoreOut]


class ClassStandingsOut(Schema):
    class_name: str
    standings: list[StandingOut]


class RoundOut(Schema):
    round: int
    event_slug: str
    event: str
    session: str
    starts_at: datetime


class ChampionshipOut(Schema):
    slug: str
    name: str
    season: int
    organizer: str
    points_by_position: list[int]
    drop_worst: int
    standings_updated_at: datetime | None
    # The organizer closed the season (promotions are enforced from then on); reopening clears it.
    season_closed: bool
    season_closed_at: datetime | None
    rounds: list[RoundOut]
    classes: list[ClassStandingsOut]


@router.get(
    "/{slug}/results",
    response=EventResultsOut,
    summary="Results of every session of a public event (provisional ones marked so)",
    by_alias=True,
)
def event_results(request: HttpRequest, slug: str) -> dict[str, object]:
    event = get_object_or_404(Event, slug=slug)
    if not event.is_public:
        raise Http404
    sessions = []
    for session in public_event_sessions(event):
        result: SessionResult | None = getattr(session, "result", None)
        if result is None:
            continue
        rules = session.checked_rules
        api_row = format_of(session).api_row
        sessions.append(
            {
                "session_id": session.pk,
                "session": session.display_name,
                "kind": session.kind,
                "format": session.format,
                "rules": rules,
                "starts_at": session.starts_at,
                "state": result.state,
                "official_at": result.official_at,
                "revision": result.revision,
                "rows": [api_row(row, rules) for row in result.rows.all()],
            }
        )
    return {"slug": event.slug, "title": event.title, "sessions": sessions}


@router.get(
    "/championships/{slug}/standings",
    response=ChampionshipOut,
    summary="A public championship's standings by class, with each round's score",
)
def championship_standings(request: HttpRequest, slug: str) -> dict[str, object]:
    championship = get_object_or_404(
        Championship.objects.select_related("organization"), slug=slug, is_public=True
    )
    classes: list[dict[str, object]] = []
    for standing in standings_of(championship):
        if not classes or classes[-1]["class_name"] != standing.class_name:
            classes.append({"class_name": standing.class_name, "standings": []})
        classes[-1]["standings"].append(  # type: ignore[attr-defined]
            {
                "position": standing.position,
                "tied": standing.tied,
                "driver": standing.name,
                "points": standing.total,
                "points_before_drops": standing.gross,
                "wins": standing.wins,
                "starts": standing.starts,
                "promoted": standing.promoted,
                "promoted_to": standing.promoted_to,
                "scores": standing.scores,
            }
        )
    return {
        "slug": championship.slug,
        "name": championship.name,
        "season": championship.season,
        "organizer": championship.organization.name,
        "points_by_position": championship.position_points,
        "drop_worst": championship.drop_worst,
        "standings_updated_at": championship.standings_updated_at,
        "season_closed": championship.season_closed,
        "season_closed_at": championship.season_closed_at,
        "rounds": [
            {
                "round": round_id,
                "event_slug": session.event.slug,
                "event": session.event.title,
                "session": session.display_name,
                "starts_at": session.starts_at,
            }
            for round_id, session in rounds_of(championship)
        ],
        "classes": classes,
    }
