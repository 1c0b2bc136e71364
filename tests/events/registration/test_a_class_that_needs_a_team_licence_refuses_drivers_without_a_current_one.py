"""A class that needs a team licence: refused without one valid on the event date, else entered."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import translation

from events.exceptions import NotEligible
from events.models import Entry, Event
from tests.racing.factories import make_class, make_licence, make_profile

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def team_event(event: Event, organization: Any) -> Event:
    entry_class = event.entry_classes.get()
    entry_class.competition_class = make_class(
        organization, "Team Endurance", rules={"team_licence_required": True}
    )
    entry_class.save()
    return event


def team_licence(profile: Any, event: Event, **fields: Any) -> Any:
    day = event.local(event.starts_at).date()
    values: dict[str, Any] = {
        "kind": "team",
        "team_name": "Dragon Racing",
        "number": "CAMF-T-0088",
        "valid_from": day - timedelta(days=200),
        "valid_to": day,
        "medical_valid_to": None,
    }
    values.update(fields)
    return make_licence(profile, grade=None, **values)


def test_a_driver_without_a_team_licence_is_refused_in_chinese(
    driver: Any, team_event: Event, register: Any
) -> None:
    make_licence(make_profile(driver))  # a competition licence is not a team licence

    with translation.override("zh-hans"), pytest.raises(NotEligible) as refused:
        register(driver, team_event.entry_classes.get())

    assert refused.value.reasons == ["本组别要求车队执照：请在您的资料中添加车队的执照。"]
    assert not Entry.objects.exists()


def test_a_team_licence_that_lapsed_the_day_before_is_refused(
    driver: Any, team_event: Event, register: Any
) -> None:
    day = team_event.local(team_event.starts_at).date()
    team_licence(make_profile(driver), team_event, valid_to=day - timedelta(days=1))

    with translation.override("zh-hans"), pytest.raises(NotEligible) as refused:
        register(driver, team_event.entry_classes.get())

    lapsed = day - timedelta(days=1)
    assert refused.value.reasons == [
        f"车队执照 CAMF-T-0088 在赛事之前到期：有效期至 {zh_date(lapsed)}，"
        f"赛事日期为 {zh_date(day)}。"
    ]


def test_a_team_licence_valid_until_the_event_day_gets_a_place(
    driver: Any, team_event: Event, register: Any
) -> None:
    team_licence(make_profile(driver), team_event)

    entry = register(driver, team_event.entry_classes.get())

    assert entry.status in Entry.PLACE_STATUSES


def zh_date(day: date) -> str:
    # The site's Chinese DATE_FORMAT (config/formats/zh_Hans): year, month, day, weekday.
    return f"{day.year}年{day.month}月{day.day}日 星期{'一二三四五六日'[day.weekday()]}"
