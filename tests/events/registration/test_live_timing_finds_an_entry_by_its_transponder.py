from __future__ import annotations

from typing import Any

import pytest

from events.queries.events import entry_for_transponder
from events.services.registration import update_entry_day

pytestmark = [pytest.mark.django_db]


def test_the_transponder_staff_set_names_the_car_on_the_live_board(
    event: Any, make_user: Any, staff_member: Any, register: Any, settings: Any
) -> None:
    settings.STRIPE_SECRET_KEY = ""
    who = make_user("li@example.test", first_name="Lei", last_name="Li")
    entry = register(who, event.entry_classes.get(), preferred_car_number=27)
    update_entry_day(entry_id=entry.pk, actor=staff_member, transponder="4711")
    session = event.sessions.get()

    found = entry_for_transponder(session=session, transponder=4711)

    assert found == {"number": "27", "name": "Lei Li", "class_name": "Rookie Cup"}
    assert entry_for_transponder(session=session, transponder=9999) is None
