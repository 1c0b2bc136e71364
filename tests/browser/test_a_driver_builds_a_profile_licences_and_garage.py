"""In Chromium: a driver builds a complete profile, adds a licence and a car in Chinese, then reads
them in English; an organizer makes a karting class from the tier preset."""

from __future__ import annotations

from typing import Any

import pytest

from racing.models import CompetitionClass, DriverProfile, LicenceGrade
from racing.services.licences import ensure_starting_issuers
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, live_server: Any, user: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()


def open_menu(page: Any) -> None:
    # A phone-sized window: the menu is folded behind its toggle.
    page.locator("label.nav-toggle-label").click()


def test_a_driver_builds_a_profile_licences_and_garage_in_both_languages(
    live_server: Any, page_factory: Any, driver: Any
) -> None:
    ensure_starting_issuers()
    page = page_factory(locale="zh-CN")
    log_in(page, live_server, driver)
    open_menu(page)
    page.get_by_role("link", name="我的资料").first.click()
    page.get_by_role("link", name="创建车手资料").click()
    page.fill("input[name=name_zh]", "张敏")
    page.fill("input[name=name_latin]", "ZHANG Min")
    page.fill("input[name=date_of_birth]", "2030-01-01")
    page.fill("input[name=nationality]", "中国")
    page.select_option("select[name=id_type]", "resident_id")
    page.fill("input[name=id_number]", "11010519491231002X")
    page.fill("input[name=phone]", "+86 138 0000 0000")
    page.fill("input[name=weight_kg]", "68")
    page.fill("input[name=road_licence_since]", "2015-07-01")
    page.fill("input[name=contacts-0-name]", "李华")
    page.fill("input[name=contacts-0-relationship]", "配偶")
    page.fill("input[name=contacts-0-phone]", "+86 139 0000 0000")
    page.check("input[name=sensitive_consent]")
    page.locator("main form button[type=submit]").click()
    assert "该日期在未来。" in page.locator("main").inner_text()
    page.fill("input[name=date_of_birth]", "1995-03-14")
    page.locator("main form button[type=submit]").click()
    assert "资料已保存。" in page.locator(".messages").inner_text()
    assert DriverProfile.objects.get(user=driver).name_latin == "ZHANG Min"

    open_menu(page)
    page.get_by_role("link", name="执照", exact=True).first.click()
    page.get_by_role("link", name="添加执照").click()
    camf_b = LicenceGrade.objects.get(issuer__code="CAMF", code="B")
    page.select_option("select[name=issuer]", str(camf_b.issuer_id))
    page.select_option("select[name=discipline]", "circuit")
    page.select_option("select[name=grade]", str(camf_b.pk))
    page.fill("input[name=number]", "CAMF-2026-0042")
    page.fill("input[name=valid_from]", "2026-12-31")
    page.fill("input[name=valid_to]", "2026-01-01")
    page.locator("main form button[type=submit]").click()
    assert "有效期截止日期不能早于生效日期。" in page.locator("main").inner_text()
    page.fill("input[name=valid_from]", "2026-01-01")
    page.fill("input[name=valid_to]", "2026-12-31")
    page.locator("main form button[type=submit]").click()
    assert "CAMF-2026-0042" in page.locator("main").inner_text()

    open_menu(page)
    page.get_by_role("link", name="车库", exact=True).first.click()
    page.get_by_role("link", name="添加车辆").click()
    page.fill("input[name=make]", "BYD")
    page.fill("input[name=model]", "Seal")
    page.fill("input[name=year]", "2024")
    page.select_option("select[name=powertrain]", "bev")
    page.fill("input[name=power_kw]", "-5")
    page.locator("main form button[type=submit]").click()
    assert page.locator(".field-error").count() >= 1
    page.fill("input[name=power_kw]", "390")
    page.fill("input[name=battery_kwh]", "82.5")
    page.locator("main form button[type=submit]").click()
    assert "2024 BYD Seal" in page.locator("main").inner_text()

    english = page_factory(locale="en-US")
    log_in(english, live_server, driver)
    open_menu(english)
    english.get_by_role("link", name="My profile").first.click()
    main = english.locator("main").inner_text()
    assert "Private details" in main
    assert "National B" in main
    assert "Battery electric (BEV)" in main


def test_an_organizer_makes_a_youth_karting_class_from_its_template(
    live_server: Any, page_factory: Any, organizer: Any, organization: Any
) -> None:
    ensure_starting_issuers()
    page = page_factory(locale="en-US")
    log_in(page, live_server, organizer)
    page.goto(f"{live_server.url}{organization.get_absolute_url()}")
    page.get_by_role("link", name="Competition classes").first.click()
    page.get_by_role("link", name="Youth karting (12–14)", exact=True).click()
    page.fill("input[name=name]", "Junior Rotax")
    page.locator("main form button[type=submit]").click()
    main = page.locator("main").inner_text()
    assert "Class saved." in main
    assert "Turning 12 to 14 during the event's year" in main
    rules = CompetitionClass.objects.get(name="Junior Rotax").eligibility_rules
    assert rules.homologation_required and rules.age is not None and rules.age.by_calendar_year
