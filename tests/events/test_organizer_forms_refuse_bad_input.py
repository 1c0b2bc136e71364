"""Bad input on the organizer forms is shown next to the field, in the visitor's language,
and never gives a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.models import Event
from tests.events.test_organizer_publishes_an_event import EVENT_FORM

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_member, organization):
    client.force_login(staff_member)
    return client


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "The event must end after it starts."), ("zh-hans", "活动结束时间必须晚于开始时间。")],
)
def test_an_event_that_ends_before_it_starts_is_refused(
    staff_client, organization, language, message
):
    staff_client.cookies["django_language"] = language
    response = staff_client.post(
        reverse("events:event-create", kwargs={"org_slug": organization.slug}),
        {**EVENT_FORM, "ends_at": "2027-04-10T07:00"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Registration cannot close after the event has ended."),
        ("zh-hans", "报名截止时间不能晚于赛事结束时间。"),
    ],
)
def test_a_window_closing_after_the_event_is_refused(staff_client, organization, language, message):
    staff_client.cookies["django_language"] = language
    response = staff_client.post(
        reverse("events:event-create", kwargs={"org_slug": organization.slug}),
        {**EVENT_FORM, "registration_closes_at": "2027-04-11T09:00"},
    )
    assert message in response.content.decode()
    assert not Event.objects.exists()


def test_an_unknown_time_zone_is_refused(staff_client, organization):
    staff_client.cookies["django_language"] = "en"
    response = staff_client.post(
        reverse("events:event-create", kwargs={"org_slug": organization.slug}),
        {**EVENT_FORM, "time_zone": "Mars/Olympus_Mons"},
    )
    assert "is not a known time zone" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The session cannot end after the event ends."),
        ("zh-hans", "节次不能晚于赛事结束。"),
    ],
)
def test_a_session_outside_the_event_is_refused(staff_client, event, language, message):
    staff_client.cookies["django_language"] = language
    late = event.local(event.ends_at)
    response = staff_client.post(
        reverse(
            "events:session-create",
            kwargs={"org_slug": event.organization.slug, "slug": event.slug},
        ),
        {
            "kind": "race",
            "starts_at": late.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": late.replace(hour=23, minute=59).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert event.sessions.count() == 1


@pytest.mark.parametrize(
    ("field", "language", "message"),
    [
        ("capacity", "en", "Capacity cannot be negative."),
        ("capacity", "zh-hans", "名额不能为负数。"),
        ("fee", "en", "A fee cannot be negative."),
        ("fee", "zh-hans", "费用不能为负数。"),
        ("damage_deposit", "en", "A deposit cannot be negative."),
        ("damage_deposit", "zh-hans", "押金不能为负数。"),
    ],
)
def test_a_negative_capacity_fee_or_deposit_is_refused(
    staff_client, event, make_competition_class, field, language, message
):
    staff_client.cookies["django_language"] = language
    data = {
        "competition_class": make_competition_class(event.organization).pk,
        "capacity": "10",
        "fee": "100",
        "position": "0",
        field: "-1",
    }
    response = staff_client.post(
        reverse(
            "events:class-create", kwargs={"org_slug": event.organization.slug, "slug": event.slug}
        ),
        data,
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert event.entry_classes.count() == 1


def test_garbage_in_every_field_gives_errors_not_a_500(staff_client, event):
    kwargs = {"org_slug": event.organization.slug, "slug": event.slug}
    garbage = dict.fromkeys([*EVENT_FORM, "latitude", "capacity", "fee"], "\x00not valid ☃")
    for url_name in ("event-edit", "session-create", "class-create"):
        response = staff_client.post(reverse(f"events:{url_name}", kwargs=kwargs), garbage)
        assert response.status_code == 200, url_name
    response = staff_client.post(reverse("events:event-duplicate", kwargs=kwargs), garbage)
    assert response.status_code == 200
