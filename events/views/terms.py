"""The terms a driver agrees to by entering, in words: the refund policy and each class's rules.

Shown on the public event page and on the entry form, before anything is submitted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import EntryClass, Event
from events.services.registration import refund_policy_of
from racing.views.rules_text import describe_rules


def refund_lines(event: Event, *, now: datetime | None = None) -> list[str]:
    """The refund policy an entry made now gets, as sentences with dates in the reader's format.

    A tier of N days gives its percentage while the event is at least N days away, so its last
    day is the event's local date minus N days. Tiers whose last day has passed are left out:
    they no longer apply to anyone entering now.
    """
    event_day = event.local(event.starts_at).date()
    today = event.local(now or timezone.now()).date()
    lines = []
    seen: set[int] = set()
    for tier in sorted(refund_policy_of(event), key=lambda t: -t["days_before"]):
        days, percent = int(tier["days_before"]), int(tier["percent"])
        if days in seen:
            continue  # the first tier of that day is the one refund_percent applies
        seen.add(days)
        if event_day - timedelta(days=days) < today:
            continue
        params = {
            "date": date_format(event_day - timedelta(days=days), "DATE_FORMAT"),
            "days": ngettext(
                "%(count)s day before the event", "%(count)s days before the event", days
            )
            % {"count": days},
            "percent": percent,
        }
        if percent == 100:
            lines.append(_("Cancel by %(date)s (%(days)s): full refund.") % params)
        elif percent > 0:
            lines.append(_("Cancel by %(date)s (%(days)s): %(percent)s%% refunded.") % params)
    lines.append(_("Cancel later: no refund.") if lines else _("Cancelling now gives no refund."))
    lines.append(_("If the organizer cancels the event or your entry, you get everything back."))
    return lines


def class_rule_lines(entry_class: EntryClass) -> list[str]:
    """Who may enter the class, in words; a class without rules is open to everyone."""
    competition_class = entry_class.competition_class
    lines = describe_rules(competition_class.eligibility_rules) if competition_class else []
    return lines or [_("No eligibility rules: open to every driver.")]
