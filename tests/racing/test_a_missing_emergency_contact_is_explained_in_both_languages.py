"""A profile saved without an emergency contact says what is missing, in the reader's language,
instead of Django's "Please submit at least 1 form." (请至少提交 1 个表单)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.racing.test_driver_profile_pages import profile_data

pytestmark = pytest.mark.django_db

NO_CONTACT = {"contacts-0-name": "", "contacts-0-relationship": "", "contacts-0-phone": ""}


@pytest.mark.parametrize(
    ("language", "expected", "django_default"),
    [
        ("en", "Add at least one emergency contact", "Please submit at least 1 form"),
        ("zh-CN", "请至少填写一位紧急联系人", "请至少提交 1 个表单"),
    ],
)
def test_the_message_names_the_emergency_contact(
    client: Client, driver: Any, language: str, expected: str, django_default: str
) -> None:
    client.force_login(driver)
    response = client.post(
        reverse("racing:profile-edit"), profile_data(**NO_CONTACT), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert expected in page
    assert django_default not in page
