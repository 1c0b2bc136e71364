"""The organizer's class list heads its first column 名称 (a class's name), not 姓名 (a person's)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from racing.models import Organization

pytestmark = pytest.mark.django_db


def test_the_first_column_is_the_class_name(
    client: Client, staff_member: Any, organization: Organization
) -> None:
    client.force_login(staff_member)
    url = reverse("racing:class-list", args=[organization.slug])
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<th>名称</th>" in zh
    assert "<th>姓名</th>" not in zh
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<th>Name</th>" in en
