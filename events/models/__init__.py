from events.models.calendar import CalendarToken
from events.models.championships import (
    Championship,
    ChampionshipClass,
    ChampionshipRound,
    ChampionshipStanding,
    PromotionWaiver,
)
from events.models.choices import Discipline, Province, Tier
from events.models.entries import (
    AuditLog,
    Deposit,
    Entry,
    Payment,
    Refund,
    RefundPolicy,
    StripeEvent,
)
from events.models.events import EntryClass, Event, Session
from events.models.mail import OutgoingMail
from events.models.officials import EventOfficial
from events.models.results import LapRecord, ResultRevision, ResultRow, ResultStatus, SessionResult

__all__ = [
    "AuditLog",
    "CalendarToken",
    "Championship",
    "ChampionshipClass",
    "ChampionshipRound",
    "ChampionshipStanding",
    "Deposit",
    "Discipline",
    "Entry",
    "EntryClass",
    "Event",
    "EventOfficial",
    "LapRecord",
    "OutgoingMail",
    "Payment",
    "PromotionWaiver",
    "Province",
    "Refund",
    "RefundPolicy",
    "ResultRevision",
    "ResultRow",
    "ResultStatus",
    "Session",
    "SessionResult",
    "StripeEvent",
    "Tier",
]
