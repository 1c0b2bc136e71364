"""The organizer's timing page shows the ingest command exactly as the README runs it, with the
project's own interpreter (.venv/bin/python), so it can be pasted as it is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from live.models import LiveSession
from tests.live.test_organizers_connect_a_timing_system import race as race
from tests.live.test_organizers_connect_a_timing_system import start

pytestmark = pytest.mark.django_db


def test_the_command_starts_like_the_readmes(client, staff_member, organization, race) -> None:
    readme = Path(settings.BASE_DIR, "README.md").read_text(encoding="utf-8")
    readme_prefix = re.search(r"^(\S+ manage\.py live_ingest) ", readme, re.MULTILINE)
    assert readme_prefix is not None
    client.force_login(staff_member)
    start(client, organization, race)
    live = LiveSession.objects.get(event_session=race)
    page = client.get(reverse("live:timing", args=[organization.slug])).content.decode()
    command = re.search(r'<pre class="command">([^<]*)</pre>', page)
    assert command is not None
    assert command.group(1).startswith(f"{readme_prefix.group(1)} {live.pk} --rmonitor ")
    assert readme_prefix.group(1).startswith(".venv/bin/python")
