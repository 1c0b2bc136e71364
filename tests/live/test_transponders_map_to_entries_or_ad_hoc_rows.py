"""A P3 transponder shows as its registered entry when events knows it, else as an ad hoc row
that staff can name."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from events.models import Event, Session
from live import transponders
from live.services import apply_timing_events, create_live_session, map_transponder
from live.timing import TransponderPassing
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


@pytest.mark.django_db
def test_the_events_entry_lookup_is_used_when_the_session_is_scheduled(
    monkeypatch: pytest.MonkeyPatch, organization: Organization
) -> None:
    calls: list[tuple[Any, int]] = []

    def entry_for_transponder(*, session: Any, transponder: int) -> dict[str, str] | None:
        calls.append((session, transponder))
        return (
            {"number": "42", "name": "Wang Qiang", "class_name": "GT4"}
            if transponder == 7
            else None
        )

    # Stands in for the lookup registration (issue 5) adds to events.queries.
    monkeypatch.setattr(transponders, "entry_lookup", lambda: entry_for_transponder)
    race = scheduled_race(organization)
    session = create_live_session(name="Race 1", event_session=race)
    first = transponders.resolve_transponder(session=session, transponder=7)
    unknown = transponders.resolve_transponder(session=session, transponder=8)
    assert (first.number, first.first_name, first.class_name) == ("42", "Wang Qiang", "GT4")
    assert unknown.number == "8"
    assert calls == [(race, 7), (race, 8)]
    # Asked once per transponder: afterwards the session's own mapping answers.
    transponders.resolve_transponder(session=session, transponder=7)
    assert len(calls) == 2


@pytest.mark.django_db
def test_an_ad_hoc_session_never_asks_events() -> None:
    session = create_live_session(name="Replay")
    assert session.is_ad_hoc
    competitor = transponders.resolve_transponder(session=session, transponder=99)
    assert competitor.number == "99" and competitor.reg_no == "t99"
