"""The cars entered in an event, as results see them: car number -> who drives it."""

from __future__ import annotations

from dataclasses import dataclass

from events.models import Event


@dataclass(frozen=True)
class RosterEntry:
    car_number: str
    driver_name: str = ""
    team_name: str = ""
    class_name: str = ""
    driver_id: int | None = None
    entry_id: int | None = None


def roster_for(event: Event) -> dict[str, RosterEntry]:
    """The event's entries with a car number.

    Empty while entries have no car numbers yet (registration not run on Paddock): results then
    accept any car number and take names from the results themselves.
    """
    return {}
