"""An event's audit trail (which may name drivers and hold their private details) is for staff of
the event's organization: everyone else gets a 404, as for the other organizer pages, and an
anonymous visitor is sent to log in."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from events.models import AuditLog

pytestmark = [pytest.mark.django_db]

NAMES = ["events:manage-audit", "events:manage-audit-csv"]


@pytest.fixture
def audited(event: Any, driver: Any, register: Any, settings: Any) -> Any:
    settings.STRIPE_SECRET_KEY = ""
    entry = register(driver, event.entry_classes.get())
    AuditLog.objects.create(
        event=event, entry=entry, action="co_driver_confirmed", detail="secret.navigator@x.test"
    )
    return event


@pytest.mark.parametrize("name", NAMES)
def test_staff_and_owner_read_it(
    client: Any, audited: Any, staff_member: Any, organizer: Any, name: str
) -> None:
    url = reverse(name, args=[audited.organization.slug, audited.slug])
    for user in (staff_member, organizer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert "secret.navigator@x.test" in response.content.decode("utf-8-sig")


@pytest.mark.parametrize("name", NAMES)
def test_rival_staff_and_the_driver_get_404(
    client: Any, audited: Any, outsider: Any, other_organization: Any, driver: Any, name: str
) -> None:
    own = reverse(name, args=[audited.organization.slug, audited.slug])
    # The rival's own organization slug with this event's slug is no way in either.
    through_own = reverse(name, args=[other_organization.slug, audited.slug])
    for user, url in ((outsider, own), (outsider, through_own), (driver, own)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 404
        assert "secret.navigator@x.test" not in response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_visitors_are_sent_to_log_in(client: Any, audited: Any, name: str) -> None:
    response = client.get(reverse(name, args=[audited.organization.slug, audited.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
