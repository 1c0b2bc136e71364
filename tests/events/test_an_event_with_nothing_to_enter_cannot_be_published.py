"""An event without a session or an entry class cannot be published, and says why in the
organizer's language; one published before that rule never shows "registration open" or an
Enter button, on its page, in the list, or in the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from events.models import Event
from events.services.events import publish_event

pytestmark = pytest.mark.django_db

BADGE = '<span class="badge badge-ok">Registration open</span>'
NO_SESSION = "Add at least one session to the schedule before publishing."
NO_CLASS = "Add at least one entry class before publishing: drivers enter an event by class."


def test_the_service_refuses_and_names_what_is_missing(make_event, make_session) -> None:
    from django.utils import translation

    event = make_event(status=Event.Status.DRAFT)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        publish_event(event=event)
    assert refused.value.messages == [NO_SESSION, NO_CLASS]

    make_session(event)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        publish_event(event=event)
    assert refused.value.messages == [NO_CLASS]
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


@pytest.mark.parametrize(
    ("language", "reason"),
    [("en", NO_CLASS), ("zh-hans", "发布前请至少添加一个报名组别：车手按组别报名参赛。")],
)
def test_the_organizer_reads_the_reason_and_gets_no_publish_button(
    client, organizer, make_event, make_session, language, reason
) -> None:
    event = make_event(status=Event.Status.DRAFT)
    make_session(event)
    client.force_login(organizer)
    client.cookies["django_language"] = language
    kwargs = {"org_slug": event.organization.slug, "slug": event.slug}

    page = client.get(reverse("events:manage-event", kwargs=kwargs)).content.decode()
    assert reason in page
    assert reverse("events:event-publish", kwargs=kwargs) not in page

    response = client.post(reverse("events:event-publish", kwargs=kwargs), follow=True)
    assert reason in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_a_published_event_without_classes_never_shows_registration_open(
    client, make_event, make_session, make_entry_class
) -> None:
    # Published before publishing checked for classes: its registration window is open now.
    event = make_event(title="Empty Cup")
    make_session(event)

    def shown() -> dict[str, bool]:
        detail = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        listing = client.get(reverse("events:event-list"), HTTP_ACCEPT_LANGUAGE="en")
        filtered = client.get(reverse("events:event-list"), {"registration_open": "on"})
        api = client.get(f"/api/events/{event.slug}")
        return {
            "enter button": reverse("events:entry-create", args=[event.slug]) in detail,
            "badge on the page": BADGE in detail,
            "badge in the list": BADGE in listing.content.decode(),
            "in the open filter": "Empty Cup" in filtered.content.decode(),
            "api": api.json()["registration"]["open"],
        }

    assert not any(shown().values()), shown()
    make_entry_class(event)
    assert all(shown().values()), shown()
