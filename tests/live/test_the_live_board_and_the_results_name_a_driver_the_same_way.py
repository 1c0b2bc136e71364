"""A driver who gave a racing profile goes by its name everywhere in public: the live board
names the car as the results of the same session do, not by the account's name."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from events.models import Entry, EntryClass, ResultRow, SessionResult
from events.services.results import ResultLine, publish_results
from live.engine.timing import TransponderPassing
from live.models import LiveSession
from live.services.timing import apply_timing_events
from tests.racing.factories import make_profile

pytestmark = pytest.mark.django_db

TRANSPONDER = 5691251


def test_the_board_and_the_results_give_the_profile_name(p3_live: LiveSession, driver: Any) -> None:
    make_profile(driver, name_zh="张敏", name_latin="ZHANG Min")  # the account says "Min Zhang"
    race = p3_live.event_session
    assert race is not None
    Entry.objects.create(
        event=race.event,
        entry_class=EntryClass.objects.create(
            event=race.event, name="GT4", capacity=10, fee=Decimal("800.00")
        ),
        driver=driver,
        status=Entry.Status.CONFIRMED,
        place_number=1,
        car_number=42,
        transponder=str(TRANSPONDER),
        fee_minor=80000,
        currency="CNY",
    )

    apply_timing_events(
        session_id=p3_live.pk,
        events=[
            TransponderPassing(passing_no=n, transponder=TRANSPONDER, time_us=n * 50_000_000)
            for n in (1, 2)
        ],
    )
    p3_live.refresh_from_db()
    (board_row,) = p3_live.snapshot["rows"]
    publish_results(
        session=race,
        lines=[ResultLine(car_number="42", position=1)],
        source=SessionResult.Source.TYPED,
    )
    result_row = ResultRow.objects.get(car_number="42")

    assert board_row["number"] == "42"
    assert board_row["name"] == result_row.driver_name == "张敏 ZHANG Min"
