"""A driver entered under a Chinese account name (given 敏, family 张) without a racing profile
is named 张敏 on the live board, not "敏 张"; with a profile, the profile's name."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from events.models import Entry, EntryClass
from live.engine.timing import TransponderPassing
from live.models import LiveSession
from live.services.timing import apply_timing_events
from tests.racing.factories import make_profile

pytestmark = pytest.mark.django_db

TRANSPONDER = 5691251


def board_name(p3_live: LiveSession, driver: Any) -> str:
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
    (row,) = p3_live.snapshot["rows"]
    return str(row["name"])


def test_an_account_name_in_chinese_reads_family_name_first(
    p3_live: LiveSession, make_user: Any
) -> None:
    driver = make_user("zhang.min@example.test", first_name="敏", last_name="张")
    assert board_name(p3_live, driver) == "张敏"


def test_a_profile_name_wins_over_the_account(p3_live: LiveSession, make_user: Any) -> None:
    driver = make_user("wang.fang@example.test", first_name="Fang", last_name="Wang")
    make_profile(driver, name_zh="王芳", name_latin="WANG Fang")
    assert board_name(p3_live, driver) == "王芳 WANG Fang"
