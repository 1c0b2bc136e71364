"""What events does when a person deletes their account (through racing.hooks)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from racing import hooks


def _deletion_blockers(user: Any) -> list[str]:
    from events.models import Entry
    from events.queries.privacy import ACTIVE_STATUSES

    upcoming = (
        Entry.objects.filter(
            driver=user, status__in=ACTIVE_STATUSES, event__ends_at__gte=timezone.now()
        )
        .select_related("event")
        .order_by("event__starts_at")
    )
    return [
        _("Your entry in %(event)s is still active: cancel it first.") % {"event": e.event.title}
        for e in upcoming
    ]


def _deletion_steps(user: Any, replace_name: bool) -> list[str]:
    from events.models import CalendarToken, ChampionshipStanding, EventOfficial, ResultRow

    CalendarToken.objects.filter(user=user).delete()
    EventOfficial.objects.filter(user=user).delete()
    kept = [
        _(
            "Your entries, payments and refunds: accounting law requires us to keep payment "
            "records, and organizers keep who took part. They no longer lead to your profile."
        ),
    ]
    if replace_name:
        anonymous = _("Withdrawn driver")
        ResultRow.objects.filter(driver=user).update(driver_name=anonymous, driver=None)
        ChampionshipStanding.objects.filter(driver=user).update(name=anonymous, driver=None)
        kept.append(
            _(
                "Your results: they stay part of the official classification, under the name “%(name)s”."
            )
            % {"name": anonymous}
        )
    else:
        kept.append(
            _("Your results: they stay part of the official classification, under your name.")
        )
    return kept


def connect() -> None:
    if _deletion_blockers not in hooks.deletion_blockers:
        hooks.deletion_blockers.append(_deletion_blockers)
    if _deletion_steps not in hooks.deletion_steps:
        hooks.deletion_steps.append(_deletion_steps)
