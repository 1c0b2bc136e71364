from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from racing.engine.eligibility import Role
from racing.models import LicenceGrade, LicenceIssuer, Organization
from racing.queries.drivers import grade_ladder
from racing.services.eligibility import check_driver_for_class, describe_failure
from tests.racing.factories import make_class, make_licence, make_profile, make_vehicle

pytestmark = pytest.mark.django_db
# A month ahead, like a real entry: the factory's licences are valid around today, not in a
# fixed year.
EVENT = timezone.localdate() + timedelta(days=30)
NATIONAL = {
    "licences": [{"issuer": "CAMF", "discipline": "circuit", "min_grade": "B"}],
    "medical_required": True,
    "max_power_kw": "250",
}


def test_a_driver_with_a_good_licence_and_car_is_eligible(
    driver: Any, organization: Organization
) -> None:
    profile = make_profile(driver)
    make_licence(profile, grade="A")
    car = make_vehicle(profile)
    touring = make_class(organization, rules=NATIONAL)
    assert (
        check_driver_for_class(
            competition_class=touring, profile=profile, vehicle=car, event_date=EVENT
        )
        == []
    )


def test_the_stored_licences_and_vehicle_are_checked(
    driver: Any, organization: Organization
) -> None:
    profile = make_profile(driver)
    make_licence(profile, grade="C", medical_valid_to=EVENT - timedelta(days=1))
    car = make_vehicle(profile, power_kw=300)
    touring = make_class(organization, rules=NATIONAL)
    failures = check_driver_for_class(
        competition_class=touring, profile=profile, vehicle=car, event_date=EVENT
    )
    assert [f.code for f in failures] == [
        "licence.grade_too_low",
        "licence.medical_expired",
        "vehicle.power_too_high",
    ]


def test_a_grade_an_admin_adds_is_ranked_where_the_admin_puts_it(driver: Any) -> None:
    camf = LicenceIssuer.objects.get(code="CAMF")
    LicenceGrade.objects.create(issuer=camf, code="B+", name_zh="国家B+级", name_en="B+", rank=25)
    assert list(grade_ladder().by_issuer["CAMF"]) == ["C", "B", "B+", "A", "INT"]


def test_an_issuer_an_admin_adds_can_be_required_by_a_class(
    driver: Any, organization: Organization
) -> None:
    macau_karting = LicenceIssuer.objects.create(code="MKC", name_zh="澳门卡丁", name_en="MKC")
    LicenceGrade.objects.create(
        issuer=macau_karting, code="J", name_zh="青少年", name_en="J", rank=1
    )
    profile = make_profile(driver)
    make_licence(profile, issuer="MKC", grade="J", discipline="karting")
    kart_class = make_class(
        organization,
        "Junior",
        rules={"licences": [{"issuer": "MKC", "discipline": "karting", "min_grade": "J"}]},
    )
    assert (
        check_driver_for_class(
            competition_class=kart_class, profile=profile, vehicle=None, event_date=EVENT
        )
        == []
    )


def test_a_navigator_is_checked_only_for_a_licence(driver: Any, organization: Organization) -> None:
    profile = make_profile(driver, date_of_birth=date(2012, 1, 1))
    rally = make_class(
        organization,
        "Classic rally",
        rules={
            "licences": [{"issuer": "CAMF", "discipline": "rally"}],
            "navigator_required": True,
            "age": {"min_age": 18},
        },
    )
    assert (
        check_driver_for_class(
            competition_class=rally,
            profile=profile,
            vehicle=None,
            event_date=EVENT,
            role=Role.NAVIGATOR,
        )
        == []
    )


def test_failures_are_described_in_the_active_language(
    driver: Any, organization: Organization, settings: Any
) -> None:
    from django.utils import translation

    profile = make_profile(driver)
    touring = make_class(organization, rules=NATIONAL)
    [failure] = check_driver_for_class(
        competition_class=touring, profile=profile, vehicle=make_vehicle(profile), event_date=EVENT
    )
    with translation.override("en"):
        assert describe_failure(failure) == ("A competition licence is required: CAMF Circuit.")
    with translation.override("zh-hans"):
        assert "CAMF 场地赛" in describe_failure(failure)
        assert describe_failure(failure) != failure.message
