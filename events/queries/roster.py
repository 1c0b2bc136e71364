"""The cars entered in an event, as results see them: car number -> who drives it."""

from __future__ import annotations

from dataclasses import dataclass

from events.models import Entry, Event
from racing.queries.drivers import public_name


@dataclass(frozen=True)
class RosterEntry:
    car_number: str
    driver_name: str = ""
    team_name: str = ""
    class_name: str = ""
    driver_id: int | None = None
    entry_id: int | None = None


def roster_for(event: Event) -> dict[str, RosterEntry]:
    """The event's entries holding a place and a car number.

    Empty when the event took its entries elsewhere: results then accept any car number and take
    names from the results themselves.
    """
    entries = (
        Entry.objects.filter(event=event, car_number__isnull=False, status__in=Entry.PLACE_STATUSES)
        .select_related("driver__driver_profile", "entry_class")
        .order_by("car_number")
    )
    return {
        str(entry.car_number): RosterEntry(
            car_number=str(entry.car_number),
            driver_name=public_name(entry.driver),
            class_name=entry.entry_class.name,
            driver_id=entry.driver_id,
            entry_id=entry.pk,
        )
        for entry in entries
    }
