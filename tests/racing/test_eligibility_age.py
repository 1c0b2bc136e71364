from __future__ import annotations

from datetime import date

import pytest

from racing.engine.eligibility import age_in_year, age_on, check_eligibility
from tests.racing.eligibility_factories import LADDER, codes, driver, rules

# Youth karting: "from the year of the 12th birthday to the year of the 14th".
KARTING_JUNIOR = {"age": {"min_age": 12, "max_age": 14, "by_calendar_year": True}}
ADULTS = {"age": {"min_age": 18}}


@pytest.mark.parametrize(
    ("birth", "event", "expected"),
    [
        (date(2008, 6, 13), date(2026, 6, 13), 18),
        (date(2008, 6, 14), date(2026, 6, 13), 17),
        (date(2008, 12, 31), date(2026, 12, 31), 18),
        (date(2008, 12, 31), date(2026, 12, 30), 17),
        (date(2008, 1, 1), date(2026, 1, 1), 18),
        (date(2008, 1, 1), date(2025, 12, 31), 17),
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
    ],
)
def test_age_on_a_date_counts_completed_years(birth: date, event: date, expected: int) -> None:
    assert age_on(birth, event) == expected


def test_a_driver_born_on_31_december_is_12_in_karting_terms_all_year() -> None:
    born = driver(birth_date=date(2014, 12, 31))
    # Only 11 in completed years on 1 January 2026, but 2026 is the year of the 12th birthday.
    assert age_on(date(2014, 12, 31), date(2026, 1, 1)) == 11
    assert codes(rules(**KARTING_JUNIOR), the_driver=born, licences=[], on=date(2026, 1, 1)) == []


def test_a_driver_born_on_1_january_leaves_the_band_after_the_year_of_the_14th_birthday() -> None:
    born = driver(birth_date=date(2012, 1, 1))
    assert codes(rules(**KARTING_JUNIOR), the_driver=born, licences=[], on=date(2026, 12, 31)) == []
    assert codes(rules(**KARTING_JUNIOR), the_driver=born, licences=[], on=date(2027, 1, 1)) == [
        "age.too_old_in_year"
    ]


def test_a_driver_born_on_1_january_of_the_following_year_is_too_young_all_year() -> None:
    born = driver(birth_date=date(2015, 1, 1))
    assert codes(rules(**KARTING_JUNIOR), the_driver=born, licences=[], on=date(2026, 12, 31)) == [
        "age.too_young_in_year"
    ]


def test_calendar_year_failures_carry_the_year_and_the_age_reached() -> None:
    failures = check_eligibility(
        rules(**KARTING_JUNIOR),
        driver(birth_date=date(2015, 1, 1)),
        [],
        None,
        date(2026, 6, 1),
        grades=LADDER,
    )
    assert [(f.code, dict(f.params)) for f in failures] == [
        ("age.too_young_in_year", {"min_age": 12, "age": 11, "year": 2026})
    ]


def test_exact_age_turns_on_the_birthday_itself() -> None:
    assert codes(rules(**ADULTS), the_driver=driver(birth_date=date(2008, 6, 13))) == []
    assert codes(rules(**ADULTS), the_driver=driver(birth_date=date(2008, 6, 14))) == [
        "age.too_young"
    ]


def test_a_birthday_on_31_december_counts_on_the_day_not_the_year() -> None:
    born = driver(birth_date=date(2008, 12, 31))
    assert codes(rules(**ADULTS), the_driver=born, on=date(2026, 12, 30)) == ["age.too_young"]
    assert codes(rules(**ADULTS), the_driver=born, on=date(2026, 12, 31)) == []


def test_a_birthday_on_1_january_counts_from_new_year() -> None:
    born = driver(birth_date=date(2008, 1, 1))
    assert codes(rules(**ADULTS), the_driver=born, on=date(2025, 12, 31)) == ["age.too_young"]
    assert codes(rules(**ADULTS), the_driver=born, on=date(2026, 1, 1)) == []


def test_a_leap_day_baby_comes_of_age_on_1_march_in_a_common_year() -> None:
    born = driver(birth_date=date(2008, 2, 29))
    assert codes(rules(**ADULTS), the_driver=born, on=date(2026, 2, 28)) == ["age.too_young"]
    assert codes(rules(**ADULTS), the_driver=born, on=date(2026, 3, 1)) == []


def test_an_exact_maximum_age_refuses_the_day_after_the_next_birthday() -> None:
    seniors_out = rules(age={"max_age": 60})
    born = driver(birth_date=date(1965, 6, 13))
    assert codes(seniors_out, the_driver=born, on=date(2026, 6, 12)) == []
    assert codes(seniors_out, the_driver=born, on=date(2026, 6, 13)) == ["age.too_old"]


def test_a_missing_birth_date_fails_only_classes_with_an_age_band() -> None:
    unknown = driver(birth_date=None)
    assert codes(rules(**ADULTS), the_driver=unknown) == ["driver.birth_date_missing"]
    assert codes(rules(), the_driver=unknown) == []


def test_age_in_year_ignores_month_and_day() -> None:
    assert age_in_year(date(2014, 12, 31), 2026) == 12
    assert age_in_year(date(2014, 1, 1), 2026) == 12
