"""Every organizer URL: owner and staff get in, a rival club's owner gets 404, anonymous visitors
are sent to log in. POST URLs are checked with POST, and refused ones change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from events.models import Event

pytestmark = pytest.mark.django_db

# (url name, needs an event, needs a session/class pk, method, expected success status)
URLS = [
    ("events:manage-events", False, None, "get", 200),
    ("events:event-create", False, None, "get", 200),
    ("events:manage-event", True, None, "get", 200),
    ("events:event-edit", True, None, "get", 200),
    ("events:event-publish", True, None, "post", 302),
    ("events:event-cancel", True, None, "get", 200),
    ("events:event-duplicate", True, None, "get", 200),
    ("events:session-create", True, None, "get", 200),
    ("events:session-edit", True, "session", "get", 200),
    ("events:session-delete", True, "session", "post", 302),
    ("events:class-create", True, None, "get", 200),
    ("events:class-edit", True, "class", "get", 200),
    ("events:class-delete", True, "class", "post", 302),
]

EVENT_URLS = [url for url in URLS if url[1]]


def url_for(name: str, with_event: bool, child: str | None, event: Event) -> str:
    kwargs: dict[str, Any] = {"org_slug": event.organization.slug}
    if with_event:
        kwargs["slug"] = event.slug
    if child == "session":
        kwargs["pk"] = event.sessions.get().pk
    if child == "class":
        kwargs["pk"] = event.entry_classes.get().pk
    return reverse(name, kwargs=kwargs)


def snapshot(event: Event) -> tuple[Any, ...]:
    event.refresh_from_db()
    return (event.status, event.sequence, event.sessions.count(), event.entry_classes.count())


@pytest.fixture
def draft(event: Event) -> Event:
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)
    event.refresh_from_db()
    return event


@pytest.mark.parametrize(("name", "with_event", "child", "method", "ok"), URLS)
@pytest.mark.parametrize("persona", ["organizer", "staff_member"])
def test_owner_and_staff_can_use_every_organizer_page(
    request, client, draft, persona, name, with_event, child, method, ok
):
    client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(url_for(name, with_event, child, draft))
    assert response.status_code == ok


@pytest.mark.parametrize(("name", "with_event", "child", "method", "ok"), URLS)
def test_a_rival_club_gets_404_and_changes_nothing(
    client, draft, outsider, other_organization, name, with_event, child, method, ok
):
    client.force_login(outsider)
    before = snapshot(draft)
    response = getattr(client, method)(url_for(name, with_event, child, draft))
    assert response.status_code == 404
    assert snapshot(draft) == before


@pytest.mark.parametrize(("name", "with_event", "child", "method", "ok"), EVENT_URLS)
def test_a_rival_cannot_reach_the_event_through_their_own_organization(
    client, draft, outsider, other_organization, name, with_event, child, method, ok
):
    """Their own organization's slug with our event's slug must not find our event."""
    client.force_login(outsider)
    url = url_for(name, with_event, child, draft).replace(
        f"/organizer/{draft.organization.slug}/", f"/organizer/{other_organization.slug}/"
    )
    before = snapshot(draft)
    assert getattr(client, method)(url).status_code == 404
    assert snapshot(draft) == before


@pytest.mark.parametrize(("name", "with_event", "child", "method", "ok"), URLS)
def test_anonymous_visitors_are_sent_to_log_in(client, draft, name, with_event, child, method, ok):
    before = snapshot(draft)
    response = getattr(client, method)(url_for(name, with_event, child, draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert snapshot(draft) == before


def test_unknown_event_and_organization_slugs_are_404(client, organizer, organization):
    client.force_login(organizer)
    assert client.get(f"/organizer/{organization.slug}/events/no-such-event/").status_code == 404
    assert client.get("/organizer/no-such-club/events/").status_code == 404


def test_the_organization_page_links_to_its_events(client, organizer, organization):
    client.force_login(organizer)
    response = client.get(organization.get_absolute_url())
    assert reverse("events:manage-events", kwargs={"org_slug": organization.slug}).encode() in (
        response.content
    )
