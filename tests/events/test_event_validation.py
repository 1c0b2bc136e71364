"""Bad event, session and class input is refused with a message naming the problem."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from events.models import Event
from events.services.events import add_entry_class, add_session, create_event, update_event
from tests.events.conftest import local

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

BASE = {
    "title": "Autumn Sprint",
    "tier": "karting",
    "discipline": "karting",
    "venue_name": "Pearl River Kart Track",
    "province": "guangdong",
    "city": "Guangzhou",
}


def messages(exc: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return exc.value.message_dict[field]


def test_it_refuses_an_event_that_ends_before_it_starts(organization):
    with pytest.raises(ValidationError) as exc:
        create_event(
            organization=organization,
            starts_at=local(2027, 5, 1, 9),
            ends_at=local(2027, 5, 1, 8),
            **BASE,
        )
    assert messages(exc, "ends_at") == ["The event must end after it starts."]
    assert not Event.objects.exists()


def test_it_explains_the_refusal_in_chinese_too(organization):
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as exc:
            create_event(
                organization=organization,
                starts_at=local(2027, 5, 1, 9),
                ends_at=local(2027, 5, 1, 8),
                **BASE,
            )
        # the message is lazy: it is rendered in the language active when it is read
        assert messages(exc, "ends_at") == ["活动结束时间必须晚于开始时间。"]


def test_it_refuses_a_registration_window_closing_after_the_event(organization):
    with pytest.raises(ValidationError) as exc:
        create_event(
            organization=organization,
            starts_at=local(2027, 5, 1, 9),
            ends_at=local(2027, 5, 1, 18),
            registration_opens_at=local(2027, 3, 1),
            registration_closes_at=local(2027, 5, 2),
            **BASE,
        )
    assert messages(exc, "registration_closes_at") == [
        "Registration cannot close after the event has ended."
    ]


def test_it_refuses_a_registration_window_that_closes_before_it_opens(organization):
    with pytest.raises(ValidationError) as exc:
        create_event(
            organization=organization,
            starts_at=local(2027, 5, 1, 9),
            ends_at=local(2027, 5, 1, 18),
            registration_opens_at=local(2027, 4, 1),
            registration_closes_at=local(2027, 3, 1),
            **BASE,
        )
    assert messages(exc, "registration_closes_at") == ["Registration must close after it opens."]


def test_it_refuses_a_session_outside_the_event(event):
    with pytest.raises(ValidationError) as exc:
        add_session(
            event=event,
            kind="practice",
            starts_at=event.starts_at - timedelta(hours=2),
            ends_at=event.starts_at - timedelta(hours=1),
        )
    assert messages(exc, "starts_at") == ["The session cannot start before the event starts."]
    with pytest.raises(ValidationError) as exc:
        add_session(
            event=event,
            kind="race",
            starts_at=event.ends_at - timedelta(minutes=10),
            ends_at=event.ends_at + timedelta(minutes=20),
        )
    assert messages(exc, "ends_at") == ["The session cannot end after the event ends."]
    assert event.sessions.count() == 1


def test_it_refuses_a_session_that_ends_before_it_starts(event):
    with pytest.raises(ValidationError) as exc:
        add_session(
            event=event,
            kind="race",
            starts_at=event.starts_at + timedelta(hours=3),
            ends_at=event.starts_at + timedelta(hours=2),
        )
    assert messages(exc, "ends_at") == ["The session must end after it starts."]


def test_it_refuses_new_event_dates_that_leave_a_session_outside(event):
    with pytest.raises(ValidationError) as exc:
        update_event(
            event=event,
            starts_at=event.starts_at + timedelta(hours=5),
            ends_at=event.ends_at + timedelta(hours=5),
        )
    assert "Race 1" in messages(exc, "starts_at")[0]


@pytest.fixture
def rookie(event, make_competition_class):
    return make_competition_class(event.organization)


def test_it_refuses_an_entry_class_without_a_competition_class(event):
    with pytest.raises(ValidationError) as exc:
        add_entry_class(event=event, competition_class=None, name="Juniors", capacity=10, fee=1)
    assert messages(exc, "competition_class") == ["Choose the competition class whose rules apply."]


def test_it_refuses_another_clubs_competition_class(event, other_organization):
    from racing.models import CompetitionClass

    theirs = CompetitionClass.objects.create(
        organization=other_organization,
        name="Rival Cup",
        slug="rival-cup",
        tier="national",
        discipline="circuit",
    )
    with pytest.raises(ValidationError) as exc:
        add_entry_class(event=event, competition_class=theirs, capacity=10, fee=Decimal("100"))
    assert messages(exc, "competition_class") == [
        "Choose one of the organizing club's own classes."
    ]


def test_an_entry_class_takes_its_competition_class_name_by_default(event, rookie):
    entry_class = add_entry_class(
        event=event, competition_class=rookie, capacity=10, fee=Decimal("100")
    )
    assert entry_class.name == "Rookie Cup"


def test_it_refuses_a_negative_capacity(event, rookie):
    with pytest.raises(ValidationError) as exc:
        add_entry_class(event=event, competition_class=rookie, capacity=-1, fee=Decimal("100"))
    assert "Capacity cannot be negative." in messages(exc, "capacity")


def test_it_refuses_a_negative_fee(event, rookie):
    with pytest.raises(ValidationError) as exc:
        add_entry_class(event=event, competition_class=rookie, capacity=10, fee=Decimal("-5"))
    assert "A fee cannot be negative." in messages(exc, "fee")


def test_it_refuses_a_reversed_car_number_range(event, rookie):
    with pytest.raises(ValidationError) as exc:
        add_entry_class(
            event=event,
            competition_class=rookie,
            capacity=10,
            fee=Decimal("100"),
            car_number_min=50,
            car_number_max=10,
        )
    assert messages(exc, "car_number_max") == [
        "The highest car number must not be below the lowest."
    ]
