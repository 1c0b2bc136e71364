"""An event goes draft -> published -> completed, or is cancelled with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from events.exceptions import EventStateError
from events.models import Event
from events.services.events import (
    add_session,
    cancel_event,
    complete_event,
    duplicate_event,
    publish_event,
    update_event,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_draft_is_published(make_event, make_session, make_entry_class):
    event = make_event(status=Event.Status.DRAFT)
    make_session(event)
    make_entry_class(event)
    published = publish_event(event=event)
    assert published.status == Event.Status.PUBLISHED
    assert published.published_at is not None


def test_a_cancellation_needs_a_reason(event):
    with pytest.raises(ValidationError) as exc:
        cancel_event(event=event, reason="   ")
    assert exc.value.message_dict["reason"] == ["Give a reason for the cancellation."]
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_a_cancelled_event_keeps_its_reason_and_cannot_be_published(event):
    cancel_event(event=event, reason="Typhoon warning")
    event.refresh_from_db()
    assert (event.status, event.cancellation_reason) == (Event.Status.CANCELLED, "Typhoon warning")
    with pytest.raises(EventStateError, match=r"Only a draft event can be published\."):
        publish_event(event=event)


def test_a_completed_event_cannot_be_cancelled_or_edited(event):
    complete_event(event=event)
    with pytest.raises(EventStateError, match=r"A completed event cannot be cancelled\."):
        cancel_event(event=event, reason="Too late")
    with pytest.raises(EventStateError, match="can no longer be changed"):
        update_event(event=event, title="Renamed")


def test_every_change_raises_the_calendar_sequence(event):
    seen = [event.sequence]
    update_event(event=event, title="Shanghai Club Cup (new layout)")
    event.refresh_from_db()
    seen.append(event.sequence)
    add_session(
        event=event,
        kind="practice",
        starts_at=event.starts_at,
        ends_at=event.starts_at + timedelta(minutes=30),
    )
    event.refresh_from_db()
    seen.append(event.sequence)
    cancel_event(event=event, reason="Circuit flooded")
    event.refresh_from_db()
    seen.append(event.sequence)
    assert seen == sorted(set(seen)) and len(seen) == 4


def test_a_duplicate_is_a_new_draft_with_everything_shifted(event):
    next_year = event.starts_at + timedelta(days=364)
    copy = duplicate_event(event=event, starts_at=next_year)
    assert copy.pk != event.pk and copy.slug != event.slug and copy.uid != event.uid
    assert copy.status == Event.Status.DRAFT
    assert copy.ends_at - copy.starts_at == event.ends_at - event.starts_at
    assert copy.registration_closes_at == event.registration_closes_at + timedelta(days=364)
    original_session, copied_session = event.sessions.get(), copy.sessions.get()
    assert copied_session.starts_at == original_session.starts_at + timedelta(days=364)
    assert copied_session.uid != original_session.uid
    assert [c.name for c in copy.entry_classes.all()] == ["Rookie Cup"]
