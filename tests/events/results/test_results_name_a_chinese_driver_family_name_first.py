"""Published results and a driver's results page name a driver without a racing profile by the
account's name, family name first when Chinese: "陈新", never "新 陈 · 成绩"."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Entry, ResultRow, SessionResult
from events.services.results import ResultLine, publish_results

pytestmark = pytest.mark.django_db


def test_results_and_the_drivers_page(
    client: Client, event: Any, make_session: Any, make_user: Any
) -> None:
    driver = make_user("chen.xin@example.test", first_name="新", last_name="陈")
    race = make_session(event, name="Final")
    Entry.objects.create(
        event=event,
        entry_class=event.entry_classes.get(),
        driver=driver,
        status=Entry.Status.CONFIRMED,
        place_number=1,
        car_number=8,
        fee_minor=0,
        currency="CNY",
    )
    publish_results(
        session=race,
        lines=[ResultLine(car_number="8", position=1)],
        source=SessionResult.Source.TYPED,
        official=True,
    )
    assert ResultRow.objects.get(car_number="8").driver_name == "陈新"

    page = client.get(
        reverse("events:driver-results", args=[driver.pk]), HTTP_ACCEPT_LANGUAGE="zh-CN"
    ).content.decode()
    assert "陈新" in page
    assert "新 陈" not in page
