from __future__ import annotations

from datetime import date, timedelta

from racing.engine.eligibility import Role, check_eligibility
from tests.racing.eligibility_factories import EVENT, LADDER, codes, driver, licence, rules

CAMF_B = {"licences": [{"issuer": "CAMF", "discipline": "circuit", "min_grade": "B"}]}


def test_a_class_without_licence_rules_needs_no_licence() -> None:
    assert codes(rules(), licences=[]) == []


def test_it_accepts_a_current_licence_of_the_minimum_grade() -> None:
    assert codes(rules(**CAMF_B), licences=[licence(grade="B")]) == []


def test_it_accepts_a_licence_above_the_minimum_grade() -> None:
    assert codes(rules(**CAMF_B), licences=[licence(grade="INT")]) == []


def test_it_refuses_a_licence_below_the_minimum_grade() -> None:
    assert codes(rules(**CAMF_B), licences=[licence(grade="C")]) == ["licence.grade_too_low"]


def test_it_refuses_when_no_licence_is_held() -> None:
    assert codes(rules(**CAMF_B), licences=[]) == ["licence.missing"]


def test_it_refuses_a_licence_from_an_issuer_the_class_does_not_accept() -> None:
    fia = licence(issuer="FIA", grade="A", number="FIA-1")
    assert codes(rules(**CAMF_B), licences=[fia]) == ["licence.missing"]


def test_it_refuses_a_licence_for_another_discipline() -> None:
    assert codes(rules(**CAMF_B), licences=[licence(discipline="karting")]) == ["licence.missing"]


def test_it_refuses_a_licence_that_expired_the_day_before_the_event() -> None:
    expired = licence(valid_to=EVENT - timedelta(days=1))
    assert codes(rules(**CAMF_B), licences=[expired]) == ["licence.expired"]


def test_a_licence_is_still_valid_on_its_last_day() -> None:
    assert codes(rules(**CAMF_B), licences=[licence(valid_to=EVENT)]) == []


def test_it_refuses_a_licence_that_starts_after_the_event() -> None:
    future = licence(valid_from=EVENT + timedelta(days=1), valid_to=EVENT + timedelta(days=365))
    assert codes(rules(**CAMF_B), licences=[future]) == ["licence.not_yet_valid"]


def test_a_licence_is_valid_on_its_first_day() -> None:
    assert codes(rules(**CAMF_B), licences=[licence(valid_from=EVENT)]) == []


def test_it_refuses_a_temporary_licence_when_the_class_does_not_allow_them() -> None:
    the_rules = rules(**CAMF_B, temporary_licence_allowed=False)
    assert codes(the_rules, licences=[licence(temporary=True)]) == ["licence.temporary_not_allowed"]


def test_it_accepts_a_temporary_licence_when_the_class_allows_them() -> None:
    assert codes(rules(**CAMF_B), licences=[licence(temporary=True)]) == []


def test_it_refuses_a_medical_that_lapsed_before_the_event() -> None:
    lapsed = licence(medical_valid_to=EVENT - timedelta(days=1))
    the_rules = rules(**CAMF_B, medical_required=True)
    assert codes(the_rules, licences=[lapsed]) == ["licence.medical_expired"]


def test_a_medical_valid_on_the_event_day_is_enough() -> None:
    the_rules = rules(**CAMF_B, medical_required=True)
    assert codes(the_rules, licences=[licence(medical_valid_to=EVENT)]) == []


def test_it_refuses_a_licence_without_medical_when_one_is_required() -> None:
    the_rules = rules(**CAMF_B, medical_required=True)
    assert codes(the_rules, licences=[licence(medical_valid_to=None)]) == [
        "licence.medical_missing"
    ]


def test_a_lapsed_medical_does_not_matter_when_the_class_requires_none() -> None:
    lapsed = licence(medical_valid_to=EVENT - timedelta(days=30))
    assert codes(rules(**CAMF_B), licences=[lapsed]) == []


def test_it_reports_every_problem_of_a_licence_at_once() -> None:
    bad = licence(
        grade="C",
        temporary=True,
        valid_to=EVENT - timedelta(days=1),
        medical_valid_to=EVENT - timedelta(days=1),
    )
    the_rules = rules(**CAMF_B, temporary_licence_allowed=False, medical_required=True)
    assert codes(the_rules, licences=[bad]) == [
        "licence.expired",
        "licence.temporary_not_allowed",
        "licence.grade_too_low",
        "licence.medical_expired",
    ]


def test_one_good_licence_is_enough_even_beside_a_bad_one() -> None:
    the_rules = rules(
        licences=[
            {"issuer": "CAMF", "discipline": "circuit", "min_grade": "B"},
            {"issuer": "FIA", "discipline": "circuit", "min_grade": "D"},
        ]
    )
    expired_camf = licence(valid_to=EVENT - timedelta(days=1))
    good_fia = licence(issuer="FIA", grade="D", number="FIA-9")
    assert codes(the_rules, licences=[expired_camf, good_fia]) == []


def test_it_reports_the_problems_of_every_accepted_licence_when_none_is_good() -> None:
    the_rules = rules(
        licences=[
            {"issuer": "CAMF", "discipline": "circuit", "min_grade": "B"},
            {"issuer": "FIA", "discipline": "circuit", "min_grade": "B"},
        ]
    )
    failures = check_eligibility(
        the_rules,
        driver(),
        [licence(valid_to=EVENT - timedelta(days=1)), licence(issuer="FIA", grade="C", number="F")],
        None,
        EVENT,
        grades=LADDER,
    )
    assert [(f.code, f.params["number"]) for f in failures] == [
        ("licence.expired", "CAMF-26-0001"),
        ("licence.grade_too_low", "F"),
    ]


def test_grades_are_never_compared_across_issuers() -> None:
    # FIA "A" is the top FIA grade, and "A" is also a CAMF grade above the CAMF minimum "B";
    # an FIA licence still only counts against the FIA minimum.
    the_rules = rules(
        licences=[
            {"issuer": "CAMF", "discipline": "circuit", "min_grade": "B"},
            {"issuer": "FIA", "discipline": "circuit", "min_grade": "A"},
        ]
    )
    fia_c = licence(issuer="FIA", grade="C", number="FIA-C")
    assert codes(the_rules, licences=[fia_c]) == ["licence.grade_too_low"]
    camf_c = licence(grade="C")
    fia_a = licence(issuer="FIA", grade="A", number="FIA-A")
    assert codes(the_rules, licences=[camf_c]) == ["licence.grade_too_low"]
    assert codes(the_rules, licences=[fia_a]) == []


def test_a_grade_code_shared_by_two_issuers_ranks_by_its_own_issuer() -> None:
    # "C" is the lowest CAMF grade but the second FIA grade.
    at_least_fia_c = rules(licences=[{"issuer": "FIA", "discipline": "circuit", "min_grade": "C"}])
    assert codes(at_least_fia_c, licences=[licence(issuer="FIA", grade="C")]) == []
    at_least_camf_b = rules(**CAMF_B)
    assert codes(at_least_camf_b, licences=[licence(issuer="CAMF", grade="C")]) == [
        "licence.grade_too_low"
    ]


def test_a_grade_the_issuer_does_not_list_is_refused() -> None:
    assert codes(rules(**CAMF_B), licences=[licence(grade="Z")]) == ["licence.grade_unknown"]


def test_a_licence_without_grade_is_refused_when_a_minimum_grade_is_set() -> None:
    assert codes(rules(**CAMF_B), licences=[licence(grade=None, temporary=True)]) == [
        "licence.grade_unknown"
    ]


def test_a_minimum_grade_the_ladder_does_not_know_lets_no_licence_through() -> None:
    the_rules = rules(licences=[{"issuer": "CAMF", "discipline": "circuit", "min_grade": "GONE"}])
    assert codes(the_rules, licences=[licence(grade="INT")]) == ["licence.grade_too_low"]


def test_any_grade_is_enough_when_no_minimum_is_set() -> None:
    the_rules = rules(licences=[{"issuer": "CAMF", "discipline": "circuit"}])
    assert codes(the_rules, licences=[licence(grade=None, temporary=True)]) == []


def test_a_navigator_needs_no_licence_unless_the_class_says_so() -> None:
    the_rules = rules(**CAMF_B, navigator_required=True)
    assert codes(the_rules, licences=[], role=Role.NAVIGATOR) == []


def test_a_navigator_needs_a_licence_when_the_class_says_so() -> None:
    the_rules = rules(**CAMF_B, navigator_required=True, navigator_needs_licence=True)
    assert codes(the_rules, licences=[], role=Role.NAVIGATOR) == ["licence.missing"]
    assert codes(the_rules, licences=[licence()], role=Role.NAVIGATOR) == []


def test_a_navigator_is_not_held_to_the_drivers_age_weight_or_vehicle_rules() -> None:
    the_rules = rules(
        age={"min_age": 18},
        min_driver_weight_kg="80",
        road_licence_years=3,
        powertrains=["bev"],
    )
    young = driver(birth_date=date(2012, 1, 1), weight_kg=None, road_licence_since=None)
    assert codes(the_rules, the_driver=young, licences=[], role=Role.NAVIGATOR) == []
