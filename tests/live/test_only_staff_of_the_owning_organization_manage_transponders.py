"""Transponder mappings of a live session are managed by staff of the organization whose event
the session times: everyone else gets 404, through any organization's URL, and a live session of
no event (a replay, the demo) is left to the admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from live.models import LiveSession, LiveTransponder
from live.services.timing import create_live_session
from racing.models import Organization

pytestmark = pytest.mark.django_db


def urls(org_slug: str, live: LiveSession, mapping: LiveTransponder) -> dict[str, str]:
    return {
        "page": reverse("live:transponders", args=[org_slug, live.pk]),
        "add": reverse("live:transponder-add", args=[org_slug, live.pk]),
        "edit": reverse("live:transponder-edit", args=[org_slug, live.pk, mapping.pk]),
        "remove": reverse("live:transponder-remove", args=[org_slug, live.pk, mapping.pk]),
    }


def attempt(client: Client, org_slug: str, live: LiveSession, mapping: LiveTransponder) -> list:
    found = urls(org_slug, live, mapping)
    return [
        client.get(found["page"]).status_code,
        client.post(found["add"], {"new-transponder": "42", "new-number": "42"}).status_code,
        client.post(found["edit"], {f"m{mapping.pk}-number": "9"}).status_code,
        client.post(found["remove"]).status_code,
    ]


@pytest.fixture
def mapping(p3_live: LiveSession) -> LiveTransponder:
    return LiveTransponder.objects.create(session=p3_live, transponder=7001, number="7001")


def test_outsiders_and_other_clubs_get_404_and_change_nothing(
    client: Client,
    outsider: Any,
    driver: Any,
    other_organization: Organization,
    organization: Organization,
    p3_live: LiveSession,
    mapping: LiveTransponder,
) -> None:
    for user in (outsider, driver):
        client.force_login(user)
        assert attempt(client, organization.slug, p3_live, mapping) == [404] * 4
    # A rival's staff through their own organization's URL do not find this club's session.
    client.force_login(outsider)
    assert attempt(client, other_organization.slug, p3_live, mapping) == [404] * 4
    mapping.refresh_from_db()
    assert mapping.number == "7001"
    assert list(LiveTransponder.objects.values_list("transponder", flat=True)) == [7001]


def test_anonymous_visitors_are_sent_to_log_in(
    client: Client, organization: Organization, p3_live: LiveSession, mapping: LiveTransponder
) -> None:
    for url in urls(organization.slug, p3_live, mapping).values():
        response = client.post(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_a_live_session_of_no_event_is_not_managed_here(
    client: Client, staff_member: Any, organization: Organization
) -> None:
    replay = create_live_session(name="Replay", source=LiveSession.Source.P3)
    orphan = LiveTransponder.objects.create(session=replay, transponder=5, number="5")
    client.force_login(staff_member)
    assert attempt(client, organization.slug, replay, orphan) == [404] * 4


def test_a_mapping_of_another_live_session_is_not_found(
    client: Client, staff_member: Any, organization: Organization, p3_live: LiveSession
) -> None:
    elsewhere = create_live_session(name="Replay", source=LiveSession.Source.P3)
    orphan = LiveTransponder.objects.create(session=elsewhere, transponder=5, number="5")
    client.force_login(staff_member)
    found = urls(organization.slug, p3_live, orphan)
    assert client.post(found["edit"], {f"m{orphan.pk}-number": "9"}).status_code == 404
    assert client.post(found["remove"]).status_code == 404
    assert LiveTransponder.objects.get(pk=orphan.pk).number == "5"


def test_staff_and_owners_of_the_club_can_manage_them(
    client: Client,
    staff_member: Any,
    organizer: Any,
    organization: Organization,
    p3_live: LiveSession,
    mapping: LiveTransponder,
) -> None:
    for user, number in ((staff_member, "9"), (organizer, "10")):
        client.force_login(user)
        found = urls(organization.slug, p3_live, mapping)
        assert client.get(found["page"]).status_code == 200
        response = client.post(found["edit"], {f"m{mapping.pk}-number": number})
        assert response.status_code == 302 and response["Location"] == found["page"]
        mapping.refresh_from_db()
        assert mapping.number == number


def test_changes_need_the_csrf_token(
    staff_member: Any, organization: Organization, p3_live: LiveSession, mapping: LiveTransponder
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_member)
    found = urls(organization.slug, p3_live, mapping)
    assert client.post(found["edit"], {f"m{mapping.pk}-number": "9"}).status_code == 403
    assert client.post(found["remove"]).status_code == 403
    assert LiveTransponder.objects.get(pk=mapping.pk).number == "7001"
