from __future__ import annotations

from typing import Any

import pytest

from events.queries.events import events_entered_by
from events.services.registration import cancel_entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_entered_events_are_in_the_personal_calendar_until_cancelled(
    event: Any, make_event: Any, driver: Any, register: Any, fake_stripe: Any
) -> None:
    make_event(title="Not entered")
    entry = register(driver, event.entry_classes.get())

    assert list(events_entered_by(driver)) == [event]

    cancel_entry(entry_id=entry.pk, actor=driver)
    assert list(events_entered_by(driver)) == []


def test_staff_of_an_entered_organization_may_see_private_data(
    event: Any, driver: Any, staff_member: Any, outsider: Any, register: Any, fake_stripe: Any
) -> None:
    from racing.queries.privacy import can_view_private_data
    from tests.racing.factories import make_profile

    profile = make_profile(driver)
    organization_id = event.organization_id
    assert not can_view_private_data(staff_member, profile, organization_id)

    register(driver, event.entry_classes.get())

    assert can_view_private_data(staff_member, profile, organization_id)
    assert not can_view_private_data(outsider, profile, organization_id)
