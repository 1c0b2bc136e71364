"""An event changed in the Django admin still gets a new calendar SEQUENCE."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_saving_an_event_in_the_admin_raises_its_sequence(client, make_user, event):
    admin = make_user("root@paddock.test", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:events_event_change", args=[event.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"poster", "starts_at", "ends_at"}
    }
    data.update(
        {
            "organization": event.organization_id,
            "title": "Renamed in the admin",
            "starts_at_0": event.local(event.starts_at).strftime("%Y-%m-%d"),
            "starts_at_1": event.local(event.starts_at).strftime("%H:%M:%S"),
            "ends_at_0": event.local(event.ends_at).strftime("%Y-%m-%d"),
            "ends_at_1": event.local(event.ends_at).strftime("%H:%M:%S"),
            "registration_opens_at_0": event.local(event.registration_opens_at).strftime(
                "%Y-%m-%d"
            ),
            "registration_opens_at_1": "00:00:00",
            "registration_closes_at_0": event.local(event.registration_closes_at).strftime(
                "%Y-%m-%d"
            ),
            "registration_closes_at_1": "00:00:00",
        }
    )
    for prefix in ("sessions", "entry_classes"):  # inlines left untouched
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    before = event.sequence
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.title == "Renamed in the admin"
    assert event.sequence == before + 1
