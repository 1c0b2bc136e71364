"""How many places of an entry class are taken.

An entry takes a place while it is confirmed, awaiting approval, or held / offered and not yet
expired. Expiry is decided by comparing with the current time in the query itself, so a lapsed hold
stops counting the moment it lapses, with no background job. Every page, the API and the
place-taking service (`events.services.registration`) use this one rule.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Expression, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

if TYPE_CHECKING:
    from events.models import EntryClass


def holds_place_q(now: datetime | None = None, prefix: str = "") -> Q:
    from events.models import Entry

    now = now or timezone.now()
    return Q(**{f"{prefix}status__in": Entry.PLACE_STATUSES}) & (
        ~Q(**{f"{prefix}status__in": Entry.EXPIRING_STATUSES})
        | Q(**{f"{prefix}expires_at__gt": now})
    )


def places_taken_expression(now: datetime | None = None) -> Expression:
    """An expression to annotate EntryClass rows with the number of places taken."""
    from events.models import Entry

    taken = (
        Entry.objects.filter(holds_place_q(now), entry_class=OuterRef("pk"))
        .order_by()
        .values("entry_class")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(taken, output_field=IntegerField()), Value(0))


def count_places_taken(entry_class: EntryClass) -> int:
    from events.models import Entry

    return Entry.objects.filter(holds_place_q(), entry_class=entry_class).count()
