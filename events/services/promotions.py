"""Promotion: drivers who must move up may not enter the class they moved up from again.

What the rules are (docs/CHAMPIONSHIPS.md, "Promotion"):

- ``events.engine.points`` marks the top N of a championship class as ``promoted`` in the standings
  (countback for ties, everyone tied on the last place moves up, minimum starts).
- A season is over when an organizer **closes** it (``close_season``, stored with who and when).
  Nothing else marks it: the last round being past says nothing about appeals and corrections,
  and a date would silently start refusing drivers. Until then nobody is refused. Reopening the
  season lifts the refusals until it is closed again. Results corrected after closing still
  change the standings, and so who must move up.
- Once closed, a driver marked as moving up out of class C of championship X (season S) may not
  enter, in an event of X's organization dated in a year after S, an entry class that scores for
  C. Championship classes take results rows by class name (case and spacing ignored), and the
  rows take their class from the entry class's name, so "scores for C" means "an entry class
  named like C". The class they moved up to, and every other class, stay open to them.
- Promotions are per championship, hence per organization: another organization's classes are
  not affected, even if they carry the same name.
- An organizer may make a documented exception for one driver and class (``grant_exception``,
  stored with the reason, who and when); it can be withdrawn.
- Only standings linked to a driver's account are enforced (the results knew the entry). A
  promoted line known only by a name is shown to staff as such: registration cannot recognise it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import (
    Championship,
    ChampionshipStanding,
    EntryClass,
    Event,
    PromotionWaiver,
)
from events.services.championships import class_code

REASON_MAX_LENGTH = 300


@transaction.atomic
def close_season(*, championship: Championship, by: Any) -> Championship:
    championship = Championship.objects.select_for_update().get(pk=championship.pk)
    if championship.season_closed_at is None:
        championship.season_closed_at = timezone.now()
        championship.season_closed_by = by
        championship.save(update_fields=["season_closed_at", "season_closed_by"])
    return championship


@transaction.atomic
def reopen_season(*, championship: Championship) -> Championship:
    championship = Championship.objects.select_for_update().get(pk=championship.pk)
    championship.season_closed_at = None
    championship.season_closed_by = None
    championship.save(update_fields=["season_closed_at", "season_closed_by"])
    return championship


def promotions_of(
    championship: Championship,
) -> list[tuple[ChampionshipStanding, PromotionWaiver | None]]:
    """The lines of the standings marked as moving up (class and position order), each with the
    organizer's exception for it, if any.

    Only the lines with a ``driver`` (an account) can be recognised at registration.
    """
    exceptions: dict[tuple[int | None, str], PromotionWaiver] = {
        (waiver.driver_id, class_code(waiver.class_name)): waiver
        for waiver in championship.promotion_waivers.select_related("granted_by")
    }
    return [
        (line, exceptions.get((line.driver_id, class_code(line.class_name))))
        for line in championship.standings.filter(promoted=True)
    ]


@transaction.atomic
def grant_exception(
    *, championship: Championship, standing_id: int, reason: str, by: Any
) -> PromotionWaiver:
    """Let the driver of a promoted line enter the class they moved up from; a reason is needed."""
    standing = championship.standings.filter(
        pk=standing_id, promoted=True, driver__isnull=False
    ).first()
    if standing is None:
        raise ValidationError(_("Choose a driver who must move up."))
    # NUL characters cannot be stored (PostgreSQL refuses them): drop them like other blanks.
    reason = " ".join(reason.replace("\x00", " ").split())
    if not reason:
        raise ValidationError(_("Give the reason for the exception."))
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("Keep the reason under %(n)s characters.") % {"n": REASON_MAX_LENGTH}
        )
    waiver, _created = PromotionWaiver.objects.update_or_create(
        championship=championship,
        driver_id=standing.driver_id,
        class_name=standing.class_name,
        defaults={"reason": reason, "granted_by": by, "granted_at": timezone.now()},
    )
    return waiver


def withdraw_exception(*, championship: Championship, waiver_id: int) -> None:
    deleted, _kinds = PromotionWaiver.objects.filter(
        championship=championship, pk=waiver_id
    ).delete()
    if not deleted:
        raise ValidationError(_("This exception no longer exists."))


def _event_date(event: Event) -> date:
    return event.local(event.starts_at).date()


def promotion_refusals(*, driver: Any, entry_class: EntryClass, event: Event) -> list[str]:
    """Why ``driver`` may not enter ``entry_class`` because they moved up out of it; translated."""
    if not getattr(driver, "pk", None):
        return []
    code = class_code(entry_class.name)
    standings = (
        ChampionshipStanding.objects.filter(
            driver=driver,
            promoted=True,
            championship__organization_id=event.organization_id,
            championship__season_closed_at__isnull=False,
            championship__season__lt=_event_date(event).year,
        )
        .select_related("championship")
        .order_by("championship__season", "championship__name")
    )
    matching = [s for s in standings if class_code(s.class_name) == code]
    if not matching:
        return []
    excepted = {
        (championship_id, class_code(class_name))
        for championship_id, class_name in PromotionWaiver.objects.filter(
            driver=driver, championship__in=[s.championship_id for s in matching]
        ).values_list("championship_id", "class_name")
    }
    reasons: list[str] = []
    for standing in matching:
        if (standing.championship_id, code) in excepted:
            continue
        championship = standing.championship
        top = next(
            (
                c.promote_top
                for c in championship.classes.all()
                if class_code(c.name) == code and c.promote_top
            ),
            standing.position,
        )
        message = ngettext(
            "You were the top driver of %(class)s in the %(season)s season of %(championship)s "
            "and must move up to %(to)s.",
            "You finished in the top %(top)s of %(class)s in the %(season)s season of "
            "%(championship)s and must move up to %(to)s.",
            top,
        )
        params = {
            "top": top,
            "class": standing.class_name,
            "season": championship.season,
            "championship": championship.name,
            "to": standing.promoted_to or _("another class"),
        }
        reasons.append(message % params)
    return reasons
