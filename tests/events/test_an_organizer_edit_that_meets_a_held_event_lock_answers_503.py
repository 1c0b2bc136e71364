"""An organizer's change to an event waits for the event's row lock only so long
(PADDOCK_LOCK_TIMEOUT_MS), then answers 503 and changes nothing; a retry succeeds."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.urls import reverse

from events.models import Event
from tests.events.locks import event_lock_held

pytestmark = [pytest.mark.postgres]


def test_publishing_while_the_event_is_locked_gives_up_with_503_and_a_retry_publishes(
    transactional_db: None,
    client: Any,
    organizer: Any,
    make_event: Any,
    make_session: Any,
    make_entry_class: Any,
    settings: Any,
) -> None:
    settings.PADDOCK_LOCK_TIMEOUT_MS = 200
    event = make_event(status=Event.Status.DRAFT)
    # Something to enter, so that publishing is refused only by the held lock.
    make_session(event)
    make_entry_class(event)
    client.force_login(organizer)
    url = reverse(
        "events:event-publish", kwargs={"org_slug": event.organization.slug, "slug": event.slug}
    )
    # Held long enough that a publish waiting without a limit would be plainly too slow.
    with event_lock_held(event.pk, hold_seconds=10):
        started = time.monotonic()
        first = client.post(url)
        waited = time.monotonic() - started

    assert first.status_code == 503
    assert waited < 5
    assert Event.objects.get(pk=event.pk).status == Event.Status.DRAFT

    assert client.post(url).status_code == 302
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED
