"""Staff build a route on the organizer pages: controls with sections, ideal times derived, a
route card without the secret checks; other clubs get 404; bad input is refused, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Control, Event, Route, Session


def manage_url(route: Route, name: str = "events:route-manage", **extra: Any) -> str:
    event = route.session.event
    return reverse(
        name,
        kwargs={
            "org_slug": event.organization.slug,
            "slug": event.slug,
            "session_id": route.session_id,
            **extra,
        },
    )


def test_staff_make_a_route_from_the_session(
    client: Client,
    organizer: Any,
    make_event: Callable[..., Event],
    make_session: Callable[..., Session],
    english: None,
) -> None:
    event = make_event(slug="tour", discipline="regularity", status=Event.Status.DRAFT)
    session = make_session(event)
    client.force_login(organizer)
    manage = client.get(event.get_manage_url())
    url = reverse(
        "events:route-manage",
        kwargs={"org_slug": event.organization.slug, "slug": "tour", "session_id": session.pk},
    )
    assert url in manage.content.decode()
    with timezone.override(event.time_zone):
        start = timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"mode": "regularity", "standard_start": start, "interval_s": "30"})
    assert response.status_code == 302
    route = Route.objects.get(session=session)
    assert route.interval_s == 30 and route.standard_start == session.starts_at
    add = reverse(
        "events:control-create",
        kwargs={"org_slug": event.organization.slug, "slug": "tour", "session_id": session.pk},
    )
    assert client.post(add, {"code": "s", "kind": "start"}).status_code == 302
    refused = client.post(add, {"code": "TC1", "kind": "time_control"})
    assert refused.status_code == 200
    assert "distance and average speed" in refused.content.decode()
    assert (
        client.post(
            add, {"code": "TC1", "kind": "time_control", "distance_m": "10000", "speed_kmh": "40"}
        ).status_code
        == 302
    )
    assert list(route.controls.values_list("code", "position")) == [("S", 1), ("TC1", 2)]
    page = client.get(url).content.decode()
    # 10 km at 40 km/h is 15 minutes after car 0's start.
    with timezone.override(event.time_zone):
        due = timezone.localtime(session.starts_at + timedelta(minutes=15)).strftime("%H:%M:%S")
    assert due in page


def test_the_route_card_leaves_out_secret_checks_and_lists_start_times(
    client: Client, rally: Route, organizer: Any
) -> None:
    client.force_login(organizer)
    card = client.get(manage_url(rally, "events:route-card-print")).content.decode()
    assert "TC1" in card and "SC1" not in card
    assert "20" in card  # 12 + 8 km folded into TC1's line
    public = reverse(
        "events:route-card",
        kwargs={"slug": rally.session.event.slug, "session_id": rally.session_id},
    )
    assert Client().get(public).status_code == 404  # not published yet
    client.post(manage_url(rally, "events:route-publish"), {"published": "1"})
    assert Client().get(public).status_code == 200


def test_another_clubs_staff_get_404_on_every_route_page(
    client: Client,
    rally: Route,
    outsider: Any,
    other_organization: Any,
    control: Callable[[str], Control],
) -> None:
    client.force_login(outsider)
    tc1 = control("TC1").pk
    for name, extra in [
        ("events:route-manage", {}),
        ("events:route-card-print", {}),
        ("events:stamps-manage", {}),
        ("events:control-edit", {"control_id": tc1}),
        ("events:control-qr", {"control_id": tc1}),
    ]:
        assert client.get(manage_url(rally, name, **extra)).status_code == 404, name
    for name, extra in [
        ("events:control-revoke", {"control_id": tc1}),
        ("events:route-publish", {}),
    ]:
        assert client.post(manage_url(rally, name, **extra)).status_code == 404, name


def test_the_qr_code_is_an_svg_of_the_control_page(
    client: Client, rally: Route, organizer: Any, control: Callable[[str], Control]
) -> None:
    client.force_login(organizer)
    response = client.get(manage_url(rally, "events:control-qr", control_id=control("TC1").pk))
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")


def test_a_control_with_stamps_is_not_removed(
    client: Client, rally: Route, organizer: Any, control: Callable[[str], Control]
) -> None:
    from events.models import Stamp

    finish = control("F")
    Stamp.objects.create(control=finish, car_number=1, at=rally.standard_start, source="tap")
    client.force_login(organizer)
    client.post(manage_url(rally, "events:control-remove", control_id=finish.pk))
    assert Control.objects.filter(pk=finish.pk).exists()
    client.post(manage_url(rally, "events:control-remove", control_id=control("SC1").pk))
    assert rally.controls.count() == 4  # only the last control can go
