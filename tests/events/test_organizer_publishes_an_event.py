"""An organizer creates an event, adds its schedule and classes, publishes it, and the public
sees it; the same flow works in Chinese and in English."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from events.models import Event
from racing.models import CompetitionClass

pytestmark = pytest.mark.django_db

EVENT_FORM = {
    "title": "Ningbo Spring Sprint",
    "tier": "nev",
    "discipline": "autocross",
    "venue_name": "Ningbo International Circuit",
    "province": "zhejiang",
    "city": "Ningbo",
    "address": "Beilun",
    "time_zone": "Asia/Shanghai",
    "starts_at": "2027-04-10T08:00",
    "ends_at": "2027-04-10T18:00",
    "registration_opens_at": "2027-02-01T10:00",
    "registration_closes_at": "2027-04-08T20:00",
    "description": "Timed runs for electric cars.",
}


@pytest.mark.parametrize(
    ("language", "published_message", "class_heading"),
    [("en", "Event published.", "Classes"), ("zh-hans", "赛事已发布。", "参赛组别")],
)
def test_an_organizer_creates_and_publishes_an_event_with_schedule_and_classes(
    client, organizer, organization, language, published_message, class_heading
):
    client.force_login(organizer)
    client.cookies["django_language"] = language
    org = organization.slug
    bev = CompetitionClass.objects.create(
        organization=organization, name="BEV", slug="bev", tier="nev", discipline="autocross"
    )

    response = client.post(reverse("events:event-create", kwargs={"org_slug": org}), EVENT_FORM)
    assert response.status_code == 302, response.content.decode()
    event = Event.objects.get(title="Ningbo Spring Sprint")
    assert event.status == Event.Status.DRAFT
    # 08:00 at the circuit in Shanghai time is 00:00 UTC
    assert event.starts_at == datetime(2027, 4, 10, 0, 0, tzinfo=UTC)
    assert client.get(event.get_absolute_url()).status_code == 404  # drafts are not public

    kwargs = {"org_slug": org, "slug": event.slug}
    response = client.post(
        reverse("events:session-create", kwargs=kwargs),
        {
            "kind": "final",
            "name": "Timed runs",
            "starts_at": "2027-04-10T13:30",
            "ends_at": "2027-04-10T16:30",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("events:class-create", kwargs=kwargs),
        {"competition_class": bev.pk, "capacity": "30", "fee": "600.00", "position": "0"},
    )
    assert response.status_code == 302

    response = client.post(reverse("events:event-publish", kwargs=kwargs), follow=True)
    assert published_message in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED

    page = client.get(event.get_absolute_url()).content.decode()
    assert "Timed runs" in page and "BEV" in page and class_heading in page
    assert event.entry_classes.get().competition_class == bev
    assert "21:30" not in page and "13:30" in page  # shown in the event's zone, not UTC


def test_an_organizer_edits_duplicates_and_cancels_through_the_pages(client, organizer, event):
    client.force_login(organizer)
    kwargs = {"org_slug": event.organization.slug, "slug": event.slug}
    form = {
        **EVENT_FORM,
        "title": "Shanghai Club Cup (renamed)",
        "starts_at": event.local(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": event.local(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "registration_opens_at": "",
        "registration_closes_at": "",
    }
    assert client.post(reverse("events:event-edit", kwargs=kwargs), form).status_code == 302
    event.refresh_from_db()
    assert event.title == "Shanghai Club Cup (renamed)"

    # 52 weeks on: the same weekday next year, and no 29 February to fall on.
    next_season = event.local(event.starts_at) + timedelta(weeks=52)
    response = client.post(
        reverse("events:event-duplicate", kwargs=kwargs),
        {
            "title": "Shanghai Club Cup next year",
            "starts_at": next_season.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    copy = Event.objects.get(title="Shanghai Club Cup next year")
    assert response["Location"] == copy.get_manage_url()
    assert copy.sessions.count() == 1 and copy.entry_classes.count() == 1

    response = client.post(reverse("events:event-cancel", kwargs=kwargs), {"reason": ""})
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    client.post(reverse("events:event-cancel", kwargs=kwargs), {"reason": "Typhoon"})
    event.refresh_from_db()
    assert (event.status, event.cancellation_reason) == (Event.Status.CANCELLED, "Typhoon")
    assert "Typhoon" in client.get(event.get_absolute_url()).content.decode()
