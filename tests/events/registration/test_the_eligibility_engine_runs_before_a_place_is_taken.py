from __future__ import annotations

from typing import Any

import pytest

from events.models import Entry
from tests.racing.factories import make_class, make_licence, make_profile, make_vehicle

pytestmark = [pytest.mark.django_db]

TOURING = {
    "licences": [{"issuer": "CAMF", "discipline": "circuit", "min_grade": "B"}],
    "max_power_kw": "250",
}


@pytest.fixture
def touring_event(event: Any, organization: Any) -> Any:
    entry_class = event.entry_classes.get()
    entry_class.competition_class = make_class(organization, rules=TOURING)
    entry_class.save()
    return event


def test_every_failing_reason_is_shown_and_nothing_is_taken(
    client: Any, driver: Any, touring_event: Any, fake_stripe: Any
) -> None:
    profile = make_profile(driver)
    make_licence(profile, grade="C")
    too_strong = make_vehicle(profile, power_kw=300)
    entry_class = touring_event.entry_classes.get()
    client.force_login(driver)

    response = client.post(
        f"/events/{touring_event.slug}/enter/",
        {
            "entry_class": f"{entry_class.pk}:80000",
            "vehicle": too_strong.pk,
            "event_sequence": touring_event.sequence,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "grade" in page.lower()
    assert "250" in page
    assert not Entry.objects.exists()


def test_an_eligible_driver_gets_a_place(
    driver: Any, touring_event: Any, register: Any, fake_stripe: Any
) -> None:
    profile = make_profile(driver)
    make_licence(profile, grade="A")
    car = make_vehicle(profile)

    entry = register(driver, touring_event.entry_classes.get(), vehicle=car)

    assert entry.status == Entry.Status.HELD
    assert entry.vehicle == car
    assert "Civic" in entry.vehicle_description


def test_a_driver_without_a_profile_is_asked_to_complete_it(
    driver: Any, touring_event: Any, register: Any, english: Any
) -> None:
    with pytest.raises(Exception, match="driver profile"):
        register(driver, touring_event.entry_classes.get())
