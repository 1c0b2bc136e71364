"""A session that is a championship round cannot be deleted from under the championship."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Event, Session
from events.services.championships import add_round, create_championship

pytestmark = pytest.mark.django_db


def test_deleting_a_round_session_is_refused_with_a_message(
    client: Client,
    organizer: Any,
    make_event: Callable[..., Event],
    make_session: Callable[..., Session],
) -> None:
    event = make_event()
    session = make_session(event, name="Race 1")
    championship = create_championship(
        organization=event.organization, name="Cup", season=2026, position_points=[10]
    )
    add_round(championship=championship, session=session)
    client.force_login(organizer)
    url = reverse(
        "events:session-delete",
        kwargs={"org_slug": event.organization.slug, "slug": event.slug, "pk": session.pk},
    )
    response = client.post(url, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.status_code == 200
    assert "remove it from the championship first" in response.content.decode()
    assert Session.objects.filter(pk=session.pk).exists()
