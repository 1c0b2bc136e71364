"""One event as .ics: the event and its sessions with a VTIMEZONE, stable UIDs, a SEQUENCE
that rises with every change, STATUS:CANCELLED once cancelled, and whole-day dates for
all-day events."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.urls import reverse

from events.services.events import cancel_event, update_event, update_session
from tests.events.conftest import local

pytestmark = pytest.mark.django_db


def fetch(client, event) -> icalendar.Calendar:
    response = client.get(reverse("events:event-ics", kwargs={"slug": event.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(c["SUMMARY"]): c for c in calendar.walk("VEVENT")}


def test_it_contains_the_event_its_sessions_and_their_time_zone(client, event):
    calendar = fetch(client, event)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    found = vevents(calendar)
    assert set(found) == {"Shanghai Club Cup", "Race 1 · Shanghai Club Cup"}
    main = found["Shanghai Club Cup"]
    start = main.decoded("DTSTART")
    assert start.tzinfo.key == "Asia/Shanghai" and start == event.starts_at
    assert main["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert str(main["STATUS"]) == "CONFIRMED"
    # iCalendar has whole seconds
    assert main.decoded("DTSTAMP") == event.updated_at.replace(microsecond=0)
    assert main.decoded("LAST-MODIFIED") == event.updated_at.replace(microsecond=0)
    race = found["Race 1 · Shanghai Club Cup"]
    assert race.decoded("DTSTART") == event.sessions.get().starts_at
    assert str(race["RELATED-TO"]) == str(main["UID"])


def test_uids_stay_and_the_sequence_rises_across_edits(client, event):
    before = {str(c["UID"]): int(c["SEQUENCE"]) for c in fetch(client, event).walk("VEVENT")}
    with time_machine.travel(timezone_now_plus(minutes=5), tick=False):
        update_event(event=event, title="Shanghai Club Cup, new layout")
        session = event.sessions.get()
        update_session(session=session, name="Feature race")
    after = {str(c["UID"]): int(c["SEQUENCE"]) for c in fetch(client, event).walk("VEVENT")}
    assert set(after) == set(before)
    assert all(after[uid] > before[uid] for uid in before)
    titles = set(vevents(fetch(client, event)))
    assert titles == {
        "Shanghai Club Cup, new layout",
        "Feature race · Shanghai Club Cup, new layout",
    }


def timezone_now_plus(**delta: int) -> datetime:
    from django.utils import timezone

    return timezone.now() + timedelta(**delta)


def test_a_cancelled_event_and_its_sessions_are_cancelled_in_the_calendar(client, event):
    cancel_event(event=event, reason="Typhoon")
    calendar = fetch(client, event)
    assert {str(c["STATUS"]) for c in calendar.walk("VEVENT")} == {"CANCELLED"}
    main = next(c for c in calendar.walk("VEVENT") if "RELATED-TO" not in c)
    assert "Typhoon" in str(main["DESCRIPTION"])


def test_an_all_day_event_uses_dates_with_the_day_after_as_end(client, make_event):
    event = make_event(
        all_day=True,
        starts_at=local(2027, 6, 5, 0, 0),
        ends_at=local(2027, 6, 6, 23, 59),
        registration_opens_at=None,
        registration_closes_at=None,
    )
    main = fetch(client, event).walk("VEVENT")[0]
    assert main.decoded("DTSTART") == date(2027, 6, 5)
    assert main.decoded("DTEND") == date(2027, 6, 7)  # DTEND is exclusive
    assert main["DTSTART"].params.get("VALUE") == "DATE"


def test_all_day_dates_follow_the_event_zone_not_utc(client, make_event):
    """00:30 on 5 June in Shanghai is still 4 June in UTC; the calendar must say 5 June."""
    event = make_event(
        all_day=True,
        starts_at=local(2027, 6, 5, 0, 30),
        ends_at=local(2027, 6, 5, 22, 0),
        registration_opens_at=None,
        registration_closes_at=None,
    )
    main = fetch(client, event).walk("VEVENT")[0]
    assert main.decoded("DTSTART") == date(2027, 6, 5)
    assert main.decoded("DTEND") == date(2027, 6, 6)


def test_an_event_in_another_zone_carries_that_zone(client, make_event):
    urumqi = ZoneInfo("Asia/Urumqi")
    event = make_event(
        time_zone="Asia/Urumqi",
        starts_at=datetime(2027, 7, 1, 9, tzinfo=urumqi),
        ends_at=datetime(2027, 7, 1, 17, tzinfo=urumqi),
    )
    calendar = fetch(client, event)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Urumqi"]
    assert calendar.walk("VEVENT")[0]["DTSTART"].to_ical() == b"20270701T090000"
