from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from events.models import Entry, Event
from tests.racing.factories import make_profile, make_vehicle

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def entering(client: Any, driver: Any, event: Any, fake_stripe: Any) -> Any:
    """post(**overrides): submit the entry form as the driver, in English."""
    client.force_login(driver)
    vehicle = make_vehicle(make_profile(driver))
    entry_class = event.entry_classes.get()

    def post(**overrides: Any) -> Any:
        event.refresh_from_db()
        data = {
            "entry_class": f"{entry_class.pk}:80000",
            "vehicle": vehicle.pk,
            "event_sequence": event.sequence,
        }
        data.update(overrides)
        return client.post(f"/events/{event.slug}/enter/", data, HTTP_ACCEPT_LANGUAGE="en")

    return post


def test_a_good_entry_goes_to_stripe_checkout(entering: Any, fake_stripe: Any) -> None:
    response = entering()

    assert response.status_code == 302
    assert response["Location"].startswith(fake_stripe.url)
    assert Entry.objects.get().status == Entry.Status.HELD


def test_a_class_of_another_event_is_refused(
    entering: Any, make_event: Any, make_entry_class: Any
) -> None:
    other = make_entry_class(make_event(), name="Elsewhere")

    response = entering(entry_class=f"{other.pk}:80000")

    assert response.status_code == 400
    assert "Choose one of this event" in response.content.decode()
    assert not Entry.objects.exists()


def test_a_tampered_price_is_refused(entering: Any, event: Any) -> None:
    entry_class = event.entry_classes.get()

    response = entering(entry_class=f"{entry_class.pk}:100")

    assert response.status_code == 400
    assert "The fee is now 800.00 CNY" in response.content.decode()
    assert not Entry.objects.exists()


def test_a_fee_changed_since_the_form_was_shown_is_refused(entering: Any, event: Any) -> None:
    entry_class = event.entry_classes.get()
    shown = f"{entry_class.pk}:80000"
    entry_class.fee = 900
    entry_class.save()

    response = entering(entry_class=shown)

    assert response.status_code == 400
    assert "The fee is now 900" in response.content.decode()
    assert not Entry.objects.exists()


def test_garbage_in_the_class_field_is_refused(entering: Any) -> None:
    response = entering(entry_class="'; DROP TABLE")

    assert response.status_code == 400
    assert "Choose one of this event" in response.content.decode()


def test_someone_elses_vehicle_is_refused(entering: Any, outsider: Any) -> None:
    theirs = make_vehicle(make_profile(outsider, id_number="110105194912310021"))

    response = entering(vehicle=theirs.pk)

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Entry.objects.exists()


def test_a_closed_window_is_refused(entering: Any, event: Any) -> None:
    Event.objects.filter(pk=event.pk).update(
        registration_closes_at=timezone.now() - timedelta(minutes=1),
        registration_opens_at=timezone.now() - timedelta(days=10),
    )

    response = entering()

    assert response.status_code == 400
    assert "Registration for this event is closed." in response.content.decode()
    assert not Entry.objects.exists()


def test_a_stale_form_is_refused(entering: Any, event: Any) -> None:
    response = entering(event_sequence=event.sequence - 1)

    assert response.status_code == 400
    assert "The event was changed while you were filling in the form" in response.content.decode()
    assert not Entry.objects.exists()


def test_a_full_class_offers_the_waiting_list(entering: Any, event: Any) -> None:
    event.entry_classes.update(capacity=0)

    refused = entering()
    queued = entering(join_waitlist="on")

    assert refused.status_code == 409  # the input was fine: the class is full
    assert "You can join its waiting list" in refused.content.decode()
    assert queued.status_code == 302
    assert Entry.objects.get().status == Entry.Status.WAITLISTED


def test_unknown_event_is_404(client: Any, driver: Any) -> None:
    client.force_login(driver)

    assert client.get("/events/no-such-event/enter/").status_code == 404


def test_the_refusal_is_explained_in_chinese_too(entering: Any, event: Any, client: Any) -> None:
    event.refresh_from_db()
    entry_class = event.entry_classes.get()

    response = client.post(
        f"/events/{event.slug}/enter/",
        {"entry_class": f"{entry_class.pk}:80000", "event_sequence": event.sequence - 1},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 400
    assert "您填写表单期间赛事信息已更改，请重新核对。" in response.content.decode()
