from events.models.calendar import CalendarToken
from events.models.championships import (
    Championship,
    ChampionshipClass,
    ChampionshipRound,
    ChampionshipStanding,
)
from events.models.choices import Discipline, Province, Tier
from events.models.events import EntryClass, Event, Session
from events.models.results import LapRecord, ResultRevision, ResultRow, ResultStatus, SessionResult

__all__ = [
    "CalendarToken",
    "Championship",
    "ChampionshipClass",
    "ChampionshipRound",
    "ChampionshipStanding",
    "Discipline",
    "EntryClass",
    "Event",
    "LapRecord",
    "Province",
    "ResultRevision",
    "ResultRow",
    "ResultStatus",
    "Session",
    "SessionResult",
    "Tier",
]
