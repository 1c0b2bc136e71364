"""The entry form offers only the classes the driver can enter; the others are listed with the
precise reasons, in the driver's language, and the refund terms are shown before submitting."""

from __future__ import annotations

import re
from typing import Any

import pytest

from racing.engine.eligibility import AgeBand, ClassRules
from tests.racing.factories import make_profile

pytestmark = pytest.mark.django_db

YOUTH = ClassRules(age=AgeBand(min_age=12, max_age=14, by_calendar_year=True))
ADULT = ClassRules(age=AgeBand(min_age=18))


@pytest.fixture
def kart_event(
    event: Any, organization: Any, make_competition_class: Any, make_entry_class: Any
) -> Any:
    event.entry_classes.all().delete()
    youth = make_competition_class(organization, "Youth karting", rules=YOUTH.to_dict())
    adult = make_competition_class(organization, "Adult karting", rules=ADULT.to_dict())
    make_entry_class(event, name="Junior 12-14", competition_class=youth)
    make_entry_class(event, name="Adult rental", competition_class=adult)
    return event


def radio_labels(page: str) -> list[str]:
    return re.findall(r'<input type="radio" name="entry_class"[^>]*>\s*([^<]+)', page)


def test_an_adult_is_offered_the_adult_class_and_told_why_not_the_junior_one(
    client: Any, kart_event: Any, driver: Any
) -> None:
    make_profile(driver)
    client.force_login(driver)

    page = client.get(f"/events/{kart_event.slug}/enter/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()

    assert [label.split(" —")[0].strip() for label in radio_labels(html)] == ["Adult rental"]
    unavailable = html.split('id="unavailable"', 1)[1].split("</section>", 1)[0]
    assert "Junior 12-14" in unavailable
    year = kart_event.local(kart_event.starts_at).year
    assert f"This class is for drivers who turn 14 or younger during {year}" in unavailable
    assert "Cancel later: no refund." in html.split("<form", 1)[1]


def test_the_reasons_are_in_chinese_for_a_chinese_driver(
    client: Any, kart_event: Any, driver: Any
) -> None:
    make_profile(driver)
    client.force_login(driver)

    html = client.get(
        f"/events/{kart_event.slug}/enter/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    unavailable = html.split('id="unavailable"', 1)[1].split("</section>", 1)[0]
    assert "您暂不能报名的组别" in html
    assert "Junior 12-14" in unavailable and "Adult rental" not in unavailable
    assert "This class" not in unavailable


def test_without_a_profile_no_class_with_rules_is_offered_and_the_form_says_why(
    client: Any, kart_event: Any, driver: Any
) -> None:
    client.force_login(driver)

    html = client.get(
        f"/events/{kart_event.slug}/enter/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert radio_labels(html) == []
    assert html.count("Complete your driver profile before entering this class.") == 2
    assert "There is no class of this event you can enter yet" in html
