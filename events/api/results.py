"""Read API of official results and championship standings (public data only).

Included by events/api/events.py, so it lives under /api/events/ in the OpenAPI document.
"""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from events.models import Championship, Event, ResultRow, SessionResult
from events.queries.results import public_event_sessions, rounds_of, standings_of

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


class SessionResultOut(Schema):
    session_id: int
    session: str
    kind: str
    starts_at: datetime
    state: str
    official_at: datetime | None
    revision: int
    rows: list[ResultRowOut]


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


def _row(row: ResultRow) -> dict[str, object]:
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


@router.get(
    "/{slug}/results",
    response=EventResultsOut,
    summary="Results of every session of a public event (provisional ones marked so)",
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
        sessions.append(
            {
                "session_id": session.pk,
                "session": session.display_name,
                "kind": session.kind,
                "starts_at": session.starts_at,
                "state": result.state,
                "official_at": result.official_at,
                "revision": result.revision,
                "rows": [_row(row) for row in result.rows.all()],
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
