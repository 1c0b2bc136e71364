from events.models.calendar import CalendarToken
from events.models.championships import (
    Championship,
    ChampionshipClass,
    ChampionshipRound,
    ChampionshipStanding,
    PromotionWaiver,
)
from events.models.choices import Discipline, Province, SessionFormat, Tier
from events.models.efficiency import EfficiencyRun, EfficiencyStatus
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
from events.models.fapiao import FapiaoRequest
from events.models.karting import DriverWeight, StartingGrid
from events.models.mail import OutgoingMail
from events.models.merchants import MerchantAccount, Provider, ProviderNotification
from events.models.officials import EventOfficial
from events.models.regularity import Control, CrewMember, Route, Stamp
from events.models.results import LapRecord, ResultRevision, ResultRow, ResultStatus, SessionResult
from events.models.timed_runs import RunStatus, TimedRun

__all__ = [
    "AuditLog",
    "CalendarToken",
    "Championship",
    "ChampionshipClass",
    "ChampionshipRound",
    "ChampionshipStanding",
    "Control",
    "CrewMember",
    "Deposit",
    "Discipline",
    "DriverWeight",
    "EfficiencyRun",
    "EfficiencyStatus",
    "Entry",
    "EntryClass",
    "Event",
    "EventOfficial",
    "FapiaoRequest",
    "LapRecord",
    "MerchantAccount",
    "OutgoingMail",
    "Payment",
    "PromotionWaiver",
    "Provider",
    "ProviderNotification",
    "Province",
    "Refund",
    "RefundPolicy",
    "ResultRevision",
    "ResultRow",
    "ResultStatus",
    "Route",
    "RunStatus",
    "Session",
    "SessionFormat",
    "SessionResult",
    "Stamp",
    "StartingGrid",
    "StripeEvent",
    "Tier",
    "TimedRun",
]
