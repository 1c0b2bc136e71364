"""The organizer's results page links the CSV column guide instead of citing a path in the
repository, in both languages, and the link opens the guide as readable text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from racing.models import Organization

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "words"), [("en", "column guide"), ("zh-CN", "列说明")])
def test_the_link_opens_the_guide(
    client: Client,
    organizer: Any,
    organization: Organization,
    make_event: Any,
    language: str,
    words: str,
) -> None:
    event = make_event()
    client.force_login(organizer)
    page = client.get(
        reverse("events:results-manage", args=[organization.slug, event.slug]),
        HTTP_ACCEPT_LANGUAGE=language,
    ).content.decode()
    assert "docs/RESULTS_CSV.md" not in page
    link = re.search(rf'<a href="([^"]+)">{words}</a>', page)
    assert link is not None
    guide = client.get(link.group(1))
    assert guide.status_code == 200
    assert guide["Content-Type"] == "text/plain; charset=utf-8"
    assert "Results columns" in guide.content.decode()
    assert "车号" in guide.content.decode()
