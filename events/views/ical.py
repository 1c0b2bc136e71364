"""iCalendar (RFC 5545) documents for events, built with the icalendar library.

Identity rules that calendar apps rely on:
- UID: from the event's (or session's) UUID, so it survives every edit, and a duplicate is
  another event.
- SEQUENCE: the event's counter, bumped by the services on every change. Sessions carry the
  event's SEQUENCE too, so cancelling or moving the event also updates their copies.
- DTSTAMP: these documents carry no METHOD, for which RFC 5545 3.8.7.2 makes DTSTAMP the time
  the information was last revised; using updated_at (not "now") keeps the bytes stable, so an
  unchanged feed gets the same ETag and clients get a 304.
- All-day events use DATE values with an exclusive DTEND (the day after the last day).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import lru_cache

import icalendar
from django.utils.translation import gettext as _

from events.models import Event, Session

PRODID = "-//Paddock//Paddock motorsport events//EN"
UID_DOMAIN = "paddock"
# Subscribed calendars ask again after this long (RFC 7986 REFRESH-INTERVAL; Outlook's variant).
REFRESH = timedelta(hours=1)
# Range of the VTIMEZONE rules: nothing Paddock publishes happens outside it, and a narrower
# range keeps the zones short (Asia/Shanghai's 1986-1991 summer time drops out).
ZONE_FIRST_DATE = date(2000, 1, 1)
ZONE_LAST_DATE = date(2038, 1, 1)

AbsoluteUrl = Callable[[str], str]


@lru_cache(maxsize=64)
def _vtimezone_bytes(tzid: str) -> bytes:
    zone = icalendar.Timezone.from_tzid(tzid, first_date=ZONE_FIRST_DATE, last_date=ZONE_LAST_DATE)
    return zone.to_ical()


def vtimezone(tzid: str) -> icalendar.Timezone:
    # Building a VTIMEZONE walks the zone's transitions; cache it once per process.
    return icalendar.Timezone.from_ical(_vtimezone_bytes(tzid))


def event_uid(event: Event) -> str:
    return f"event-{event.uid}@{UID_DOMAIN}"


def session_uid(session: Session) -> str:
    return f"session-{session.uid}@{UID_DOMAIN}"


def _status(event: Event) -> str:
    return "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED"


def _location(event: Event) -> str:
    parts = [event.venue_name, event.address, event.city, str(event.get_province_display())]
    return ", ".join(p for p in parts if p)


def _common(component: icalendar.Event, event: Event) -> None:
    component.add("sequence", event.sequence)
    component.add("dtstamp", event.updated_at)
    component.add("last-modified", event.updated_at)
    component.add("created", event.created_at)
    component.add("status", _status(event))
    component.add("location", _location(event))
    if event.latitude is not None and event.longitude is not None:
        component.add("geo", (float(event.latitude), float(event.longitude)))


def event_component(event: Event, absolute_url: AbsoluteUrl) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", event_uid(event))
    summary = event.title
    if event.status == Event.Status.CANCELLED:
        summary = _("Cancelled: %(title)s") % {"title": event.title}
    component.add("summary", summary)
    if event.all_day:
        first_day = event.local(event.starts_at).date()
        last_day = event.local(event.ends_at).date()
        component.add("dtstart", first_day)
        component.add("dtend", last_day + timedelta(days=1))
        component.add("transp", "TRANSPARENT")
    else:
        component.add("dtstart", event.local(event.starts_at))
        component.add("dtend", event.local(event.ends_at))
    _common(component, event)
    url = absolute_url(event.get_absolute_url())
    component.add("url", url)
    description = [event.description.strip()] if event.description.strip() else []
    if event.status == Event.Status.CANCELLED and event.cancellation_reason:
        description.insert(
            0, _("Cancelled. Reason: %(reason)s") % {"reason": event.cancellation_reason}
        )
    description.append(_("Organizer: %(name)s") % {"name": event.organization.name})
    description.append(url)
    component.add("description", "\n\n".join(description))
    component.add("categories", [str(event.get_tier_display())])
    return component


def session_component(session: Session, event: Event, absolute_url: AbsoluteUrl) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", session_uid(session))
    summary = f"{session.display_name} · {event.title}"
    if event.status == Event.Status.CANCELLED:
        summary = _("Cancelled: %(title)s") % {"title": summary}
    component.add("summary", summary)
    component.add("dtstart", event.local(session.starts_at))
    component.add("dtend", event.local(session.ends_at))
    _common(component, event)
    component["last-modified"] = icalendar.vDDDTypes(max(event.updated_at, session.updated_at))
    component.add("related-to", event_uid(event))
    component.add("url", absolute_url(event.get_absolute_url()))
    component.add("categories", [str(session.get_kind_display())])
    return component


def build_calendar(
    events: Iterable[Event],
    *,
    name: str,
    absolute_url: AbsoluteUrl,
    with_sessions: bool = True,
) -> bytes:
    """One VCALENDAR with a VEVENT per event (and per session), and the VTIMEZONEs they use.

    `events` should have `organization` selected and `sessions` prefetched.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", icalendar.vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    components: list[icalendar.Event] = []
    zones: set[str] = set()
    for event in events:
        components.append(event_component(event, absolute_url))
        if not event.all_day:
            zones.add(event.time_zone)
        if with_sessions:
            for session in event.sessions.all():
                components.append(session_component(session, event, absolute_url))
                zones.add(event.time_zone)
    # VTIMEZONEs first: some clients resolve TZID references in document order.
    for tzid in sorted(zones):
        calendar.add_component(vtimezone(tzid))
    for component in components:
        calendar.add_component(component)
    return calendar.to_ical()
