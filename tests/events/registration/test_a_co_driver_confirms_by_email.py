from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from events.models import AuditLog

pytestmark = [pytest.mark.django_db]


def test_the_named_co_driver_gets_a_link_and_confirms_with_their_account(
    event: Any,
    driver: Any,
    make_user: Any,
    client: Any,
    register: Any,
    fake_stripe: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    navigator = make_user("navigator@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        entry = register(
            driver, event.entry_classes.get(), co_driver_email="Navigator@Example.test"
        )
    (invitation,) = [m for m in mail.outbox if m.to == ["navigator@example.test"]]
    link = re.search(r"/co-driver/[\w-]+/", invitation.body)
    assert link is not None

    client.force_login(navigator)
    response = client.post(link.group(0))

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.co_driver == navigator
    assert entry.co_driver_confirmed_at is not None
    assert AuditLog.objects.filter(entry=entry, action="co_driver_confirmed").count() == 1


def test_someone_else_cannot_confirm_with_the_link(
    event: Any, driver: Any, outsider: Any, client: Any, register: Any, fake_stripe: Any
) -> None:
    entry = register(driver, event.entry_classes.get(), co_driver_email="navigator@example.test")
    client.force_login(outsider)

    client.post(f"/co-driver/{entry.co_driver_token}/")

    entry.refresh_from_db()
    assert entry.co_driver is None
    assert entry.co_driver_confirmed_at is None


def test_an_unknown_link_is_404(client: Any, driver: Any) -> None:
    client.force_login(driver)

    assert client.get("/co-driver/not-a-token/").status_code == 404
