from events.models.calendar import CalendarToken
from events.models.choices import Discipline, Province, Tier
from events.models.events import EntryClass, Event, Session

__all__ = ["CalendarToken", "Discipline", "EntryClass", "Event", "Province", "Session", "Tier"]
