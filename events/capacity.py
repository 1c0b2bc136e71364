"""How many places of an entry class are taken.

The registration work owns the Entry model; until it exists no place is taken. When Entry
lands, `places_taken_expression` becomes a subquery counting the entries that hold a place
(confirmed, or held and not yet expired), and `count_places_taken` uses the same rule, so
every page and the API agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Expression, IntegerField, Value

if TYPE_CHECKING:
    from events.models import EntryClass


def places_taken_expression() -> Expression:
    """An expression to annotate EntryClass rows with the number of places taken."""
    return Value(0, output_field=IntegerField())


def count_places_taken(entry_class: EntryClass) -> int:
    from events.models import EntryClass

    row = (
        EntryClass.objects.filter(pk=entry_class.pk)
        .annotate(places_taken=places_taken_expression())
        .values_list("places_taken", flat=True)
        .first()
    )
    return int(row or 0)
