"""Officials post race-control messages from their page: public ones are in the board's snapshot
and in the API with the change that posts them, staff-only ones stay in the log, penalties go
into the provisional results, a withdrawn message leaves the board and the results, and only
staff of the event's organization can post."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from events.models import SessionResult
from live.engine.timing import Competitor, LapPassing
from live.models import LiveDelta, LiveSession, RaceControlMessage
from live.services.racecontrol import post_race_control_message
from live.services.results import publish_live_results
from live.services.timing import apply_timing_events, finish_live_session
from racing.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def racing(p3_live: LiveSession) -> LiveSession:
    apply_timing_events(
        session_id=p3_live.pk,
        events=[
            Competitor(reg_no="7", number="7", first_name="Min", last_name="Zhang"),
            Competitor(reg_no="23", number="23", first_name="Wei", last_name="Li"),
            LapPassing("7", 60_000, 60_000),
            LapPassing("23", 61_000, 61_000),
        ],
    )
    return LiveSession.objects.get(pk=p3_live.pk)


def post_url(live: LiveSession) -> str:
    org = live.event_session.event.organization.slug  # type: ignore[union-attr]
    return reverse("live:race-control-post", args=[org, live.pk])


def test_a_public_penalty_is_on_the_board_in_the_api_and_in_the_last_delta(
    client: Client, staff_member: Any, racing: LiveSession
) -> None:
    client.force_login(staff_member)
    page = client.get(reverse("live:race-control", args=["shanghai-motor-club", racing.pk]))
    assert page.status_code == 200
    response = client.post(
        post_url(racing),
        {
            "kind": "penalty",
            "car_number": "23",
            "penalty": "time",
            "penalty_seconds": "5",
            "text": "Causing a collision",
            "public": "on",
        },
    )
    assert response.status_code == 302
    racing.refresh_from_db()
    message = RaceControlMessage.objects.get()
    assert message.author == staff_member
    on_board = racing.snapshot["messages"]
    assert [(m["kind"], m["car"], m["penalty"], m["penalty_seconds"]) for m in on_board] == [
        ("penalty", "23", "time", 5)
    ]
    delta = LiveDelta.objects.get(session=racing, seq=racing.seq).payload
    assert delta["fields"]["messages"][0]["text"] == "Causing a collision"
    api = client.get(f"/api/live/sessions/{racing.pk}/").json()
    assert api["messages"][0]["car"] == "23"
    log = client.get(f"/api/live/sessions/{racing.pk}/messages/").json()
    assert [m["id"] for m in log] == [message.pk]


def test_a_staff_only_message_stays_in_the_log(
    client: Client, staff_member: Any, racing: LiveSession
) -> None:
    seq = racing.seq
    client.force_login(staff_member)
    response = client.post(
        post_url(racing),
        {"kind": "investigation", "car_number": "7", "text": "Turn 3 contact"},
    )
    assert response.status_code == 302
    racing.refresh_from_db()
    assert racing.seq == seq and racing.snapshot["messages"] == []
    assert client.get(f"/api/live/sessions/{racing.pk}/messages/").json() == []
    public = client.get(reverse("live:race-control-log", args=[racing.pk])).content.decode()
    assert "Turn 3 contact" not in public
    staff_page = client.get(
        reverse("live:race-control", args=["shanghai-motor-club", racing.pk])
    ).content.decode()
    assert "Turn 3 contact" in staff_page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"kind": "penalty", "car_number": "23", "penalty": "time", "text": "x"}, "1 to 3600"),
        ({"kind": "penalty", "car_number": "23", "penalty": "time", "penalty_seconds": "5"},
         "reason for the penalty"),
        ({"kind": "penalty", "car_number": "99", "penalty": "dsq", "text": "x"},
         "Car 99 is not on this board."),
        ({"kind": "flag", "sector": "2"}, "Choose the flag."),
        ({"kind": "flag", "flag": "yellow", "sector": "0"}, "Ensure this value is greater"),
        ({"kind": "note", "text": ""}, "Write the message."),
        ({"kind": "record", "text": "fake"}, "Select a valid choice"),
        ({"kind": "track_limits", "car_number": "7", "text": "x" * 301}, "at most 300"),
    ],
)  # fmt: skip
def test_bad_input_is_a_form_error_and_posts_nothing(
    client: Client, staff_member: Any, racing: LiveSession, data: dict[str, str], error: str
) -> None:
    client.force_login(staff_member)
    response = client.post(post_url(racing), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not RaceControlMessage.objects.exists()


def test_outsiders_get_404_and_anonymous_users_sign_in_first(
    client: Client,
    outsider: Any,
    driver: Any,
    other_organization: Organization,
    racing: LiveSession,
) -> None:
    data = {"kind": "note", "text": "Hello", "public": "on"}
    assert client.post(post_url(racing), data).status_code == 302  # to the sign-in page
    for user in (outsider, driver):
        client.force_login(user)
        assert client.post(post_url(racing), data).status_code == 404
        assert (
            client.get(
                reverse("live:race-control", args=["shanghai-motor-club", racing.pk])
            ).status_code
            == 404
        )
    client.force_login(outsider)
    rival = reverse("live:race-control-post", args=[other_organization.slug, racing.pk])
    assert client.post(rival, data).status_code == 404
    assert not RaceControlMessage.objects.exists()


def test_penalties_go_into_the_provisional_results_and_a_withdrawn_one_does_not(
    client: Client, staff_member: Any, racing: LiveSession
) -> None:
    apply_timing_events(session_id=racing.pk, events=[LapPassing("7", 59_000, 119_000)])
    apply_timing_events(session_id=racing.pk, events=[LapPassing("23", 58_000, 119_500)])
    for seconds, reason in ((5, "Jump start"), (10, "Unsafe release")):
        post_race_control_message(
            session_id=racing.pk,
            kind="penalty",
            car_number="7",
            penalty="time",
            penalty_seconds=seconds,
            text=reason,
        )
    mistake = post_race_control_message(
        session_id=racing.pk, kind="penalty", car_number="23", penalty="dsq", text="Wrong car"
    )
    client.force_login(staff_member)
    withdraw = reverse(
        "live:race-control-withdraw", args=["shanghai-motor-club", racing.pk, mistake.pk]
    )
    assert client.post(withdraw).status_code == 302
    racing.refresh_from_db()
    # Newest first; car 23's 58.000 was announced as the session best.
    assert [(m["kind"], m["car"], m["text"]) for m in racing.snapshot["messages"]] == [
        ("penalty", "7", "Unsafe release"),
        ("penalty", "7", "Jump start"),
        ("record", "23", "Wei Li"),
    ]
    finish_live_session(session_id=racing.pk)
    review = client.get(
        reverse("live:publish-results", args=["shanghai-motor-club", racing.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "+15.000 Jump start; Unsafe release" in review and "Wrong car" not in review
    result = publish_live_results(live_session=LiveSession.objects.get(pk=racing.pk))
    assert not result.is_official
    rows = SessionResult.objects.get(pk=result.pk).rows.order_by("order")
    # Car 7 crossed first on the road; 15 s of penalties put it behind car 23.
    assert [(r.car_number, r.position, r.penalty_ms, r.penalty_reason) for r in rows] == [
        ("23", 1, 0, ""),
        ("7", 2, 15_000, "Jump start; Unsafe release"),
    ]


def test_a_disqualification_makes_the_car_dsq(racing: LiveSession) -> None:
    post_race_control_message(
        session_id=racing.pk, kind="penalty", car_number="7", penalty="dsq", text="Underweight"
    )
    result = publish_live_results(live_session=finish_live_session(session_id=racing.pk))
    rows = result.rows.order_by("order")
    assert [(r.car_number, r.status, r.position) for r in rows] == [
        ("23", "classified", 1),
        ("7", "dsq", None),
    ]
