"""Every filter button says 筛选, the word Chinese sites use, not the admin's 过滤器."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from racing.models import Organization

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}


def test_the_public_event_list(client: Client) -> None:
    page = client.get(reverse("events:event-list"), **ZH).content.decode()
    assert '<button type="submit">筛选</button>' in page
    assert "过滤器" not in page


def test_the_organizers_entries_and_audit_pages(
    client: Client, organizer: Any, organization: Organization, make_event: Any
) -> None:
    event = make_event()
    client.force_login(organizer)
    for name in ("manage-entries", "manage-audit"):
        page = client.get(reverse(f"events:{name}", args=[organization.slug, event.slug]), **ZH)
        assert page.status_code == 200, name
        assert "筛选</button>" in page.content.decode(), name
        assert "过滤器" not in page.content.decode(), name
