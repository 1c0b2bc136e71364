"""A P3 transponder shows as its registered entry when events knows it, else as an ad hoc row
that staff can name."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from events.models import Entry, EntryClass, Event, Session
from live.engine.timing import TransponderPassing
from live.services import transponders
from live.services.timing import apply_timing_events, create_live_session, map_transponder
from racing.models import Organization


def passing(n: int, transponder: int = 5691251) -> TransponderPassing:
    return TransponderPassing(passing_no=n, transponder=transponder, time_us=n * 50_000_000)


@pytest.mark.django_db
def test_an_unknown_transponder_becomes_an_ad_hoc_row_named_after_it() -> None:
    session = create_live_session(name="Kart heat")
    apply_timing_events(session_id=session.pk, events=[passing(1), passing(2)])
    session.refresh_from_db()
    (row,) = session.snapshot["rows"]
    assert (row["number"], row["name"], row["laps"]) == ("5691251", "", 1)
    assert session.transponders.get().number == "5691251"


@pytest.mark.django_db
def test_staff_can_name_an_ad_hoc_row_and_the_board_follows() -> None:
    session = create_live_session(name="Kart heat")
    apply_timing_events(session_id=session.pk, events=[passing(1), passing(2)])
    seq = map_transponder(
        session_id=session.pk, transponder=5691251, number="17", name="Li Na", class_name="Rotax"
    )
    session.refresh_from_db()
    (row,) = session.snapshot["rows"]
    assert seq == session.seq
    assert (row["number"], row["name"], row["class"], row["laps"]) == ("17", "Li Na", "Rotax", 1)
    # A later passing keeps the mapping.
    apply_timing_events(session_id=session.pk, events=[passing(3)])
    session.refresh_from_db()
    assert session.snapshot["rows"][0]["number"] == "17"


def scheduled_race(organization: Organization) -> Session:
    starts_at = timezone.now() + timedelta(days=30)
    event = Event.objects.create(
        organization=organization,
        title="Shanghai Club Cup",
        slug="shanghai-club-cup",
        tier="national",
        discipline="circuit",
        venue_name="Shanghai International Circuit",
        province="shanghai",
        city="Shanghai",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=9),
    )
    return Session.objects.create(
        event=event,
        kind=Session.Kind.RACE,
        starts_at=starts_at + timedelta(hours=1),
        ends_at=starts_at + timedelta(hours=2),
    )


def confirmed_entry(
    race: Session, driver: Any, *, transponder: str, car_number: int, place: int
) -> Entry:
    entry_class = EntryClass.objects.get_or_create(
        event=race.event, name="GT4", defaults={"capacity": 10, "fee": Decimal("800.00")}
    )[0]
    return Entry.objects.create(
        event=race.event,
        entry_class=entry_class,
        driver=driver,
        status=Entry.Status.CONFIRMED,
        place_number=place,
        car_number=car_number,
        transponder=transponder,
        fee_minor=80000,
        currency="CNY",
    )


@pytest.mark.django_db
def test_a_transponder_on_a_confirmed_entry_shows_that_entry(
    organization: Organization, driver: Any, make_user: Any
) -> None:
    race = scheduled_race(organization)
    confirmed_entry(race, driver, transponder="05691251", car_number=42, place=1)
    cancelled = confirmed_entry(
        race, make_user("other@example.test"), transponder="3292480", car_number=7, place=2
    )
    cancelled.status = Entry.Status.CANCELLED
    cancelled.place_number = None
    cancelled.save()
    session = create_live_session(name="Race 1", event_session=race)
    apply_timing_events(session_id=session.pk, events=[passing(1), passing(2), passing(3, 3292480)])
    session.refresh_from_db()
    rows = {row["number"]: row for row in session.snapshot["rows"]}
    assert (rows["42"]["name"], rows["42"]["class"], rows["42"]["laps"]) == ("Min Zhang", "GT4", 1)
    # A cancelled entry's transponder is not trusted: that car is an ad hoc row.
    assert rows["3292480"]["name"] == ""


@pytest.mark.django_db
def test_the_entry_is_looked_up_once_per_transponder(
    organization: Organization, driver: Any, django_assert_num_queries: Any
) -> None:
    race = scheduled_race(organization)
    confirmed_entry(race, driver, transponder="5691251", car_number=42, place=1)
    session = create_live_session(name="Race 1", event_session=race)
    first = transponders.resolve_transponder(session=session, transponder=5691251)
    with django_assert_num_queries(1):  # the session's own mapping row answers
        again = transponders.resolve_transponder(session=session, transponder=5691251)
    assert first == again and first.number == "42"


@pytest.mark.django_db
def test_an_ad_hoc_session_never_asks_events() -> None:
    session = create_live_session(name="Replay")
    assert session.is_ad_hoc
    competitor = transponders.resolve_transponder(session=session, transponder=99)
    assert competitor.number == "99" and competitor.reg_no == "t99"
