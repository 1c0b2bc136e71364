from events.models.calendar import CalendarToken
from events.models.choices import Discipline, Province, Tier
from events.models.entries import AuditLog, Entry, Payment, Refund, StripeEvent
from events.models.events import EntryClass, Event, Session

__all__ = [
    "AuditLog",
    "CalendarToken",
    "Discipline",
    "Entry",
    "EntryClass",
    "Event",
    "Payment",
    "Province",
    "Refund",
    "Session",
    "StripeEvent",
    "Tier",
]
