"""A licence valid until 31 December is current when a driver enters a January event: the reason
says it expires before the event, with both dates in the reader's language, not "expired on
2026-12-31"."""

from __future__ import annotations

from datetime import date

from django.utils import translation

from racing.engine.eligibility import (
    ClassRules,
    Driver,
    Licence,
    LicenceRequirement,
    check_eligibility,
)
from racing.services.eligibility import describe_failure

RULES = ClassRules(licences=(LicenceRequirement("CAMF", "karting"),))
CALENDAR_YEAR = Licence(
    issuer="CAMF",
    discipline="karting",
    grade=None,
    number="CAMF-K-2026",
    valid_from=date(2026, 1, 1),
    valid_to=date(2026, 12, 31),
)


def reason(language: str) -> str:
    failures = check_eligibility(
        RULES, Driver(birth_date=date(1990, 5, 1)), [CALENDAR_YEAR], None, date(2027, 1, 10)
    )
    assert [f.code for f in failures] == ["licence.expired"]
    with translation.override(language):
        return describe_failure(failures[0])


def test_in_english_it_expires_before_the_event_with_both_dates() -> None:
    text = reason("en")
    assert text == (
        "Licence CAMF-K-2026 expires before the event: it is valid until Thu 31 Dec 2026 and "
        "the event is on Sun 10 Jan 2027."
    )


def test_in_chinese_the_dates_are_chinese_dates() -> None:
    text = reason("zh-hans")
    assert "在赛事之前到期" in text
    assert "2026年12月31日" in text and "2027年1月10日" in text
    assert "2026-12-31" not in text
