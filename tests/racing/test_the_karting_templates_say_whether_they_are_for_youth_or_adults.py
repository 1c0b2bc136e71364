"""Karting has two class templates, named for whom they are; "karting" alone is not silently the
youth one."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from racing.engine.eligibility import Driver, check_eligibility
from racing.engine.presets import PRESETS, preset_for
from racing.models import Organization

pytestmark = pytest.mark.django_db


def test_the_adult_karting_template_lets_a_thirty_year_old_in_and_the_youth_one_does_not() -> None:
    adult = Driver(birth_date=date(1994, 8, 18))
    event_day = date(2024, 6, 1)
    youth = check_eligibility(PRESETS["karting_youth"].rules, adult, [], None, event_day)
    grown = check_eligibility(PRESETS["karting_adult"].rules, adult, [], None, event_day)
    assert "age.too_old_in_year" in {f.code for f in youth}
    assert not {f.code for f in grown if f.code.startswith("age.")}


def test_the_bare_karting_tier_is_no_template() -> None:
    assert preset_for("karting") is None
    assert preset_for("nev") is PRESETS["nev"]


def test_the_new_class_page_offers_both_karting_templates_by_name(
    client: Client, organizer: Any, organization: Organization
) -> None:
    client.force_login(organizer)
    url = reverse("racing:class-create", args=[organization.slug])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Youth karting (12–14)" in page and "Adult karting (18+)" in page
    adult = client.get(url + "?preset=karting_adult").content.decode()
    assert not re.search(r'name="rules-age_by_calendar_year"[^>]* checked', adult)
    assert re.search(r'name="rules-min_age" value="18"', adult)
