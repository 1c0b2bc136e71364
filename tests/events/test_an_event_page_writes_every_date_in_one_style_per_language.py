"""An event's page writes its dates (event, registration, sessions) in one style per language:
"Fri 25 Dec 2026, 09:00" in English, "2026年12月25日 星期五 09:00" in Chinese, never Django's
"Dec. 25, 2026, 9 a.m." next to "Fri 25 Dec" nor "星期五 25 十二月"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
DAYS = "Mon|Tue|Wed|Thu|Fri|Sat|Sun"


def page(client: Client, make_event: Any, make_session: Any, language: str) -> str:
    event = make_event()
    make_session(event, name="Race 1")
    make_session(event, name="Race 2")
    response = client.get(f"/events/{event.slug}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    main = response.content.decode()
    return main[main.index("<main") : main.index("</main>")]


def test_english_dates_have_one_shape(client: Client, make_event: Any, make_session: Any) -> None:
    html = page(client, make_event, make_session, "en")
    # Every month name on the page sits in "Fri 25 Dec 2026".
    months = re.findall(rf"\b(?:{MONTHS})\b\.?", html)
    full = re.findall(rf"\b(?:{DAYS}) \d{{1,2}} (?:{MONTHS}) \d{{4}}\b", html)
    assert len(full) >= 5  # the event's start and end, registration, two sessions
    assert len(months) == len(full)
    assert "a.m." not in html and "p.m." not in html and "noon" not in html


def test_chinese_dates_are_year_month_day(
    client: Client, make_event: Any, make_session: Any
) -> None:
    html = page(client, make_event, make_session, "zh-CN")
    full = re.findall(r"\d{4}年\d{1,2}月\d{1,2}日 星期[一二三四五六日]", html)
    assert len(full) >= 5
    assert not re.search(r"星期[一二三四五六日] \d{1,2} [一二三四五六七八九十]+月", html)
    assert not re.search(r"[一二三四五六七八九十]+月", html)
