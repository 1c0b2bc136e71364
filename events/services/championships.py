"""Championships: setting them up, and recomputing their standings from official results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events.engine.points import Round, RoundLine, Status, compute_standings
from events.models import (
    Championship,
    ChampionshipClass,
    ChampionshipRound,
    ChampionshipStanding,
    ResultRow,
    Session,
    SessionResult,
)
from racing.engine.slugs import unique_slug
from racing.models import Organization


def competitor_key(row: ResultRow) -> str:
    """Who scores: the driver's account when known, otherwise the name as published.

    Car numbers change from event to event, so they are only the last resort.
    """
    if row.driver_id:
        return f"u{row.driver_id}"
    name = " ".join(row.driver_name.split()).casefold()
    return f"n:{name}" if name else f"car:{row.car_number}"


def class_code(name: str) -> str:
    """A class name as results rows are matched to championship classes: spacing and case
    ignored."""
    return " ".join(name.split()).casefold()


def _championship_slug(name: str, season: int) -> str:
    return unique_slug(
        slugify(f"{name} {season}")[:80],
        lambda slug: Championship.objects.filter(slug=slug).exists(),
        fallback=f"championship-{season}",
    )


@transaction.atomic
def create_championship(
    *, organization: Organization, class_names: list[str] | None = None, **fields: Any
) -> Championship:
    championship = Championship(organization=organization, **fields)
    championship.slug = championship.slug or _championship_slug(
        championship.name, championship.season
    )
    championship.full_clean()
    championship.save()
    for order, name in enumerate(class_names or []):
        ChampionshipClass.objects.create(championship=championship, name=name, order=order)
    return championship


@transaction.atomic
def update_championship(*, championship: Championship, **fields: Any) -> Championship:
    championship = Championship.objects.select_for_update().get(pk=championship.pk)
    for name, value in fields.items():
        setattr(championship, name, value)
    championship.full_clean()
    championship.save()
    recompute_standings(championship=championship)
    return championship


def _check_session(championship: Championship, session: Session | None) -> None:
    if session is not None and session.event.organization_id != championship.organization_id:
        raise ValidationError(
            _("A round must be a session of one of %(organization)s's events.")
            % {"organization": championship.organization.name}
        )


@transaction.atomic
def add_round(
    *,
    championship: Championship,
    session: Session,
    qualifying_session: Session | None = None,
) -> ChampionshipRound:
    championship = Championship.objects.select_for_update().get(pk=championship.pk)
    _check_session(championship, session)
    _check_session(championship, qualifying_session)
    if championship.rounds.filter(session=session).exists():
        raise ValidationError(_("This session is already a round of the championship."))
    round_ = ChampionshipRound.objects.create(
        championship=championship, session=session, qualifying_session=qualifying_session
    )
    recompute_standings(championship=championship)
    return round_


@transaction.atomic
def remove_round(*, round_: ChampionshipRound) -> None:
    championship = Championship.objects.select_for_update().get(pk=round_.championship_id)
    round_.delete()
    recompute_standings(championship=championship)


@transaction.atomic
def set_classes(*, championship: Championship, classes: list[dict[str, Any]]) -> None:
    """Replace the classes; each dict has ``name`` and optional promotion fields."""
    championship = Championship.objects.select_for_update().get(pk=championship.pk)
    championship.classes.all().delete()
    for order, spec in enumerate(classes):
        ChampionshipClass.objects.create(championship=championship, order=order, **spec)
    recompute_standings(championship=championship)


def _official_rows(session_ids: set[int]) -> dict[int, list[ResultRow]]:
    rows: dict[int, list[ResultRow]] = defaultdict(list)
    for row in ResultRow.objects.filter(
        result__session_id__in=session_ids, result__state=SessionResult.State.OFFICIAL
    ).select_related("result"):
        rows[row.result.session_id].append(row)
    return rows


def _poles(
    rows: list[ResultRow], code_for: Callable[[ResultRow], str | None]
) -> set[tuple[str, str]]:
    """(class code, competitor) of the best qualifier in each class."""
    best: dict[str, tuple[int, str]] = {}
    for row in rows:
        code = code_for(row)
        if code is None or row.position is None:
            continue
        if code not in best or row.position < best[code][0]:
            best[code] = (row.position, competitor_key(row))
    return {(code, competitor) for code, (_, competitor) in best.items()}


def build_rounds(championship: Championship, classes: list[ChampionshipClass]) -> list[Round]:
    """The pure-function input: one Round per championship round whose results are official."""
    rounds = list(championship.rounds.all())
    session_ids = {r.session_id for r in rounds} | {
        r.qualifying_session_id for r in rounds if r.qualifying_session_id
    }
    rows_by_session = _official_rows(session_ids)
    codes = {c.code for c in classes}

    def code_for(row: ResultRow) -> str | None:
        # Class names match case-insensitively; no classes means one overall table.
        if not codes:
            return ""
        code = class_code(row.class_name)
        return code if code in codes else None

    held: list[Round] = []
    for round_ in rounds:
        rows = rows_by_session.get(round_.session_id)
        if not rows:
            continue
        poles = _poles(rows_by_session.get(round_.qualifying_session_id or 0, []), code_for)
        lines = []
        for row in rows:
            code = code_for(row)
            if code is None:
                continue
            competitor = competitor_key(row)
            lines.append(
                RoundLine(
                    competitor=competitor,
                    status=Status(row.status),
                    position=row.position,
                    class_code=code,
                    name=row.driver_name or f"#{row.car_number}",
                    best_lap_ms=row.best_lap_ms,
                    best_lap_no=row.best_lap_no,
                    pole=(code, competitor) in poles,
                )
            )
        held.append(Round(key=str(round_.pk), lines=tuple(lines)))
    return held


def recompute_standings(*, championship: Championship) -> None:
    """Replace the stored standings with the pure computation over the official results."""
    classes = list(championship.classes.all())
    rounds = build_rounds(championship, classes)
    tables = compute_standings(rounds, championship.rules(classes))
    names = {c.code: (c.name, c.order) for c in classes}
    driver_ids = {
        competitor_key(row): row.driver_id
        for row in ResultRow.objects.filter(
            result__session__championship_rounds__championship=championship,
            driver_id__isnull=False,
        )
    }
    ChampionshipStanding.objects.filter(championship=championship).delete()
    ChampionshipStanding.objects.bulk_create(
        ChampionshipStanding(
            championship=championship,
            class_name=names.get(code, ("", 0))[0],
            class_order=names.get(code, ("", 0))[1],
            position=standing.position,
            competitor=standing.competitor,
            name=standing.name,
            driver_id=driver_ids.get(standing.competitor),
            total=standing.total,
            gross=standing.gross,
            wins=standing.wins,
            starts=standing.starts,
            tied=standing.tied,
            promoted=standing.promoted,
            promoted_to=standing.promoted_to,
            scores=[
                {
                    "round": int(score.round_key),
                    "points": score.points,
                    "position": score.class_position,
                    "status": score.status.value if score.status else None,
                    "dropped": score.dropped,
                    "pole": score.pole,
                    "fastest_lap": score.fastest_lap,
                }
                for score in standing.scores
            ],
        )
        for code, table in tables.items()
        for standing in table
    )
    Championship.objects.filter(pk=championship.pk).update(standings_updated_at=timezone.now())


def recompute_standings_for_session(*, session: Session) -> None:
    ids = set(
        ChampionshipRound.objects.filter(
            Q(session=session) | Q(qualifying_session=session)
        ).values_list("championship_id", flat=True)
    )
    # Locked in primary-key order so two sessions published at once cannot deadlock.
    for championship in Championship.objects.filter(pk__in=ids).order_by("pk").select_for_update():
        recompute_standings(championship=championship)
