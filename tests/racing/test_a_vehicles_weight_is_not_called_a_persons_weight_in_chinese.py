"""Chinese names a person's weight 体重 and a vehicle's 整备质量: the garage form says 整备质量, the
driver's profile form keeps 体重, and English says "weight (kg)" for both."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.racing.factories import make_profile

pytestmark = pytest.mark.django_db


def label_of(page: str, field: str) -> str:
    start = page.index(f'<label for="id_{field}"')
    return page[page.index(">", start) + 1 : page.index("</label>", start)]


def test_the_garage_form_names_the_vehicles_weight(client: Client, driver: Any) -> None:
    make_profile(driver)
    client.force_login(driver)
    zh = client.get(reverse("racing:vehicle-create"), HTTP_ACCEPT_LANGUAGE="zh-CN").content
    assert "整备质量" in label_of(zh.decode(), "weight_kg")
    assert "体重" not in label_of(zh.decode(), "weight_kg")
    en = client.get(reverse("racing:vehicle-create"), HTTP_ACCEPT_LANGUAGE="en").content
    assert "weight (kg)" in label_of(en.decode(), "weight_kg").lower()


def test_the_profile_form_still_names_the_drivers_weight(client: Client, driver: Any) -> None:
    client.force_login(driver)
    zh = client.get(reverse("racing:profile-edit"), HTTP_ACCEPT_LANGUAGE="zh-CN").content
    assert "体重" in label_of(zh.decode(), "weight_kg")
