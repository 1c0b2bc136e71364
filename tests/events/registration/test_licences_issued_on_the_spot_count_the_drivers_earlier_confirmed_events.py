"""A licence issued on the spot enters a rookie class only for the holder's first N events.

The number of events comes from real entries: distinct events on a local date before this one in
which the driver has a confirmed entry (events fills racing's hook; racing never imports events).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from events.exceptions import NotEligible
from events.models import Entry, Event
from racing import hooks
from tests.events.conftest import local
from tests.racing.factories import make_class, make_licence, make_profile

pytestmark = [pytest.mark.django_db]

ROOKIE_2 = {
    "licences": [{"issuer": "CAMF", "discipline": "circuit"}],
    "rookie_class": True,
    "on_the_spot_max_events": 2,
}


@pytest.fixture
def started_in(make_event: Any, make_entry_class: Any) -> Callable[..., Event]:
    """started_in(user, starts_at, status=confirmed): an event the user has an entry in."""

    def make(user: Any, starts_at: Any, status: str = Entry.Status.CONFIRMED) -> Any:
        the_event = make_event(starts_at=starts_at)
        Entry.objects.create(
            event=the_event,
            entry_class=make_entry_class(the_event),
            driver=user,
            status=status,
            place_number=1,
            fee_minor=0,
            currency="CNY",
        )
        return the_event

    return make


def spot_licence(profile: Any) -> Any:
    today = timezone.localdate()
    return make_licence(
        profile,
        grade=None,
        number="SPOT-0007",
        is_temporary=True,
        issued_on_the_spot=True,
        valid_from=today - timedelta(days=365),
        valid_to=today + timedelta(days=365),
    )


@pytest.fixture
def rookie_event(event: Event, organization: Any) -> Event:
    entry_class = event.entry_classes.get()
    entry_class.competition_class = make_class(organization, "Rookie Cup", rules=ROOKIE_2)
    entry_class.save()
    return event


def event_date(event: Event) -> date:
    return event.local(event.starts_at).date()


def test_the_count_is_of_distinct_earlier_events_with_a_confirmed_entry(
    driver: Any, make_user: Any, started_in: Any, make_event: Any
) -> None:
    profile = make_profile(driver)
    now = timezone.now()
    started_in(driver, now - timedelta(days=300))
    started_in(driver, now - timedelta(days=100))
    started_in(driver, now + timedelta(days=5))  # upcoming, but before the day asked about
    started_in(driver, now - timedelta(days=50), status=Entry.Status.CANCELLED)
    started_in(driver, now - timedelta(days=60), status=Entry.Status.REJECTED)
    called_off = started_in(driver, now - timedelta(days=70))
    Event.objects.filter(pk=called_off.pk).update(
        status=Event.Status.CANCELLED, cancellation_reason="Typhoon"
    )
    started_in(driver, now + timedelta(days=20))  # after the day asked about
    started_in(make_user("someone-else@example.test"), now - timedelta(days=80))

    assert hooks.count_events_started(profile, timezone.localdate() + timedelta(days=10)) == 3


def test_an_event_counts_by_its_own_local_date(driver: Any, started_in: Any) -> None:
    profile = make_profile(driver)
    # 23:30 in Shanghai on 9 March is 15:30 UTC: the day before 10 March, so it counts.
    started_in(driver, local(2026, 3, 9, 23, 30))
    # 00:30 in Shanghai on 10 March is still 9 March in UTC: the same day, so it does not.
    started_in(driver, local(2026, 3, 10, 0, 30))

    assert hooks.count_events_started(profile, date(2026, 3, 10)) == 1
    assert hooks.count_events_started(profile, date(2026, 3, 11)) == 2


def test_the_events_app_fills_the_hook() -> None:
    from events.hooks.registration import _events_started

    assert hooks.events_started.count(_events_started) == 1


def test_a_holder_with_fewer_than_n_earlier_events_gets_a_place(
    driver: Any, rookie_event: Event, started_in: Any, register: Any
) -> None:
    profile = make_profile(driver)
    spot_licence(profile)
    started_in(driver, timezone.now() - timedelta(days=40))

    entry = register(driver, rookie_event.entry_classes.get())

    assert entry.status in Entry.PLACE_STATUSES


def test_a_holder_with_n_earlier_events_is_refused_in_chinese(
    driver: Any, rookie_event: Event, started_in: Any, register: Any
) -> None:
    profile = make_profile(driver)
    spot_licence(profile)
    started_in(driver, timezone.now() - timedelta(days=40))
    started_in(driver, timezone.now() - timedelta(days=20))

    with translation.override("zh-hans"), pytest.raises(NotEligible) as refused:
        register(driver, rookie_event.entry_classes.get())

    assert refused.value.reasons == [
        "执照 SPOT-0007 为现场签发：仅可用于您的前 2 场比赛；您已参加 2 场。"
    ]
    assert not Entry.objects.filter(event=rookie_event).exists()


def test_the_entry_page_shows_the_reason(
    client: Any, driver: Any, rookie_event: Event, started_in: Any
) -> None:
    profile = make_profile(driver)
    spot_licence(profile)
    started_in(driver, timezone.now() - timedelta(days=40))
    started_in(driver, timezone.now() - timedelta(days=20))
    entry_class = rookie_event.entry_classes.get()
    client.force_login(driver)

    response = client.post(
        f"/events/{rookie_event.slug}/enter/",
        {
            "entry_class": f"{entry_class.pk}:80000",
            "event_sequence": rookie_event.sequence,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert "only your first 2 event(s); you have started 2." in response.content.decode()
    assert not Entry.objects.filter(event=rookie_event).exists()


def test_a_class_that_is_not_a_rookie_class_refuses_the_licence(
    driver: Any, event: Event, organization: Any, register: Any
) -> None:
    entry_class = event.entry_classes.get()
    entry_class.competition_class = make_class(
        organization, "Open", rules={**ROOKIE_2, "rookie_class": False}
    )
    entry_class.save()
    spot_licence(make_profile(driver))

    with translation.override("zh-hans"), pytest.raises(NotEligible) as refused:
        register(driver, entry_class)

    assert refused.value.reasons == ["执照 SPOT-0007 为现场签发：仅可参加新手组别。"]
