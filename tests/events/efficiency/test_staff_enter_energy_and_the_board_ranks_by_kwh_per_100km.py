"""Staff enter efficiency runs on the phone page; the session is scored and published through the
one results service; the public board and the results API show the format's own columns."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers, get_channel_layer
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import AuditLog, EfficiencyRun, Event, Session, SessionFormat, SessionResult
from events.services import efficiency
from live.fanout.frames import group_name
from live.models import LiveSession

pytestmark = pytest.mark.django_db
PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"}


@pytest.fixture
def run_day(make_event: Callable[..., Event], make_session: Callable[..., Session]) -> Session:
    starts_at = timezone.now() - timedelta(hours=3)
    event = make_event(
        title="NEV Efficiency",
        slug="nev-efficiency",
        tier="nev",
        discipline="efficiency",
        starts_at=starts_at,
        registration_opens_at=starts_at - timedelta(days=30),
        registration_closes_at=starts_at - timedelta(days=2),
    )
    return make_session(
        event,
        name="Efficiency run",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        format=SessionFormat.EFFICIENCY,
        rules={
            "measure": "laps",
            "lap_m": 2500,
            "time_window_ms": 3_600_000,
            "over_time": "penalty",
        },
    )


def _url(session: Session) -> str:
    event = session.event
    return reverse(
        "events:efficiency-entry",
        kwargs={"org_slug": event.organization.slug, "slug": event.slug, "session_id": session.pk},
    )


def _post(client: Client, session: Session, **data: Any) -> Any:
    payload = {"status": "ok", "laps": "", "distance_km": "", "time": "", "energy_kwh": ""}
    payload.update({k: str(v) for k, v in data.items()})
    return client.post(_url(session), payload, HTTP_ACCEPT_LANGUAGE="en", **PHONE)


def test_staff_enter_three_cars_and_the_lowest_kwh_per_100km_wins(
    client: Client, staff_member: Any, run_day: Session
) -> None:
    client.force_login(staff_member)
    # 8 laps of 2.5 km = 20 km each.
    assert (
        _post(client, run_day, car_number="1", laps=8, time="58:00", energy_kwh="2.400").status_code
        == 302
    )
    assert (
        _post(client, run_day, car_number="2", laps=8, time="62:00", energy_kwh="2.200").status_code
        == 302
    )
    assert _post(client, run_day, car_number="3", laps=8, time="59:00").status_code == 302
    rows = list(SessionResult.objects.get(session=run_day).rows.order_by("order"))
    assert [(r.car_number, r.position) for r in rows] == [("1", 1), ("2", 2), ("3", None)]
    assert rows[0].extra["kwh_per_100km"] == "12.000"
    assert rows[1].extra["kwh_per_100km"] == "12.100"  # +10 %: 3.3 % over the hour
    assert rows[2].extra["standing"] == "awaiting_energy"
    page = client.get(_url(run_day), **PHONE)
    assert page.status_code == 200
    assert b"12.100" in page.content


def test_a_correction_keeps_the_old_values_in_the_audit_log(
    client: Client, staff_member: Any, run_day: Session
) -> None:
    client.force_login(staff_member)
    _post(client, run_day, car_number="7", laps=8, time="55:00", energy_kwh="2.600")
    _post(client, run_day, car_number="7", laps=8, time="55:00", energy_kwh="2.500")
    assert EfficiencyRun.objects.get(session=run_day, car_number="7").energy_kwh == Decimal("2.5")
    entry = AuditLog.objects.get(event=run_day.event, action="efficiency_run_corrected")
    assert "2.600" in entry.detail and "2.500" in entry.detail


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"car_number": "4", "time": "58:00", "energy_kwh": "2"}, "give the laps"),
        ({"car_number": "4", "laps": 8, "energy_kwh": "-1"}, "greater than or equal"),
        ({"car_number": "4", "laps": 8, "time": "soon"}, "is not a time"),
        ({"car_number": "", "laps": 8}, "required"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(
    client: Client, staff_member: Any, run_day: Session, english: None, data: dict, message: str
) -> None:
    client.force_login(staff_member)
    response = _post(client, run_day, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EfficiencyRun.objects.exists()


def test_only_the_events_staff_may_enter_energy(
    client: Client, outsider: Any, run_day: Session
) -> None:
    client.force_login(outsider)
    assert client.get(_url(run_day)).status_code == 404
    assert _post(client, run_day, car_number="1", laps=8, energy_kwh="2").status_code == 404
    assert not EfficiencyRun.objects.exists()


def test_the_public_board_and_the_api_show_energy_distance_and_kwh_per_100km(
    client: Client, run_day: Session
) -> None:
    efficiency.save_runs(
        session=run_day,
        lines=[
            efficiency.EnergyLine("5", laps=8, elapsed_ms=3_500_000, energy_kwh=Decimal("1.9")),
            efficiency.EnergyLine("6", laps=4, elapsed_ms=1_000_000, status="dnf"),
        ],
    )
    board = client.get(reverse("events:efficiency-board", args=[run_day.event.slug, run_day.pk]))
    assert board.status_code == 200
    assert b"9.500" in board.content
    api = client.get(f"/api/events/{run_day.event.slug}/results")
    assert api.status_code == 200, api.content
    (data,) = api.json()["sessions"]
    assert data["format"] == "efficiency"
    assert data["rules"]["time_window_ms"] == 3_600_000
    first, second = data["rows"]
    assert first["position"] == 1
    assert first["energy_kwh"] == 1.9
    assert first["distance_km"] == 20.0
    assert first["kwh_per_100km"] == 9.5
    assert second["status"] == "dnf"
    assert second["kwh_per_100km"] is None


def test_new_rules_score_the_run_again(run_day: Session) -> None:
    from events.services.events import update_session

    efficiency.save_runs(
        session=run_day,
        lines=[
            efficiency.EnergyLine("1", laps=8, elapsed_ms=3_480_000, energy_kwh=Decimal("2.4")),
            efficiency.EnergyLine("2", laps=8, elapsed_ms=3_720_000, energy_kwh=Decimal("2.2")),
        ],
    )
    before = {
        r.car_number: r.position for r in SessionResult.objects.get(session=run_day).rows.all()
    }
    assert before == {"1": 1, "2": 2}  # car 2: +10 % for 2 minutes over the hour
    update_session(session=run_day, rules={**run_day.rules, "over_time": "not_classified"})
    after = {
        r.car_number: r.position for r in SessionResult.objects.get(session=run_day).rows.all()
    }
    assert after == {"1": 1, "2": None}


def test_entering_a_run_publishes_the_new_standings_to_the_boards_socket(
    client: Client,
    run_day: Session,
    settings: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """The board page renders the standings and names its socket; entering and correcting runs
    stores the board and sends each change, numbered, to the spectators' group."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    layer = get_channel_layer()
    url = reverse("events:efficiency-board", args=[run_day.event.slug, run_day.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'http-equiv="refresh"' not in page.content
    assert b"js/live-runs-board.js" in page.content
    live = LiveSession.objects.get(event_session=run_day, mode=LiveSession.Mode.EFFICIENCY)
    assert f'data-socket="/ws/live/sessions/{live.pk}/"'.encode() in page.content
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group_name(live.pk), channel)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            efficiency.save_runs(
                session=run_day,
                lines=[
                    efficiency.EnergyLine(
                        "5", laps=8, elapsed_ms=3_500_000, energy_kwh=Decimal("1.9")
                    ),
                    efficiency.EnergyLine(
                        "6", laps=8, elapsed_ms=3_400_000, energy_kwh=Decimal("2.0")
                    ),
                ],
            )
        first = json.loads(async_to_sync(layer.receive)(channel)["text"])
        assert first["type"] == "delta" and first["seq"] == 1
        assert first["order"] == ["5", "6"]
        by_car = {row["key"]: row for row in first["rows"]}
        assert by_car["5"]["kwh_per_100km"] == "9.500" and by_car["5"]["position"] == 1
        assert by_car["6"]["kwh_per_100km"] == "10.000" and by_car["6"]["position"] == 2

        # A correction moves car 6 ahead: the next frame says so, and the page shows it.
        with django_capture_on_commit_callbacks(execute=True):
            efficiency.save_runs(
                session=run_day,
                lines=[
                    efficiency.EnergyLine(
                        "6", laps=8, elapsed_ms=3_400_000, energy_kwh=Decimal("1.8")
                    )
                ],
            )
        second = json.loads(async_to_sync(layer.receive)(channel)["text"])
        assert second["seq"] == 2 and second["order"] == ["6", "5"]
        live.refresh_from_db()
        assert live.seq == 2
        assert [row["key"] for row in live.snapshot["rows"]] == ["6", "5"]
        assert b"9.000" in client.get(url).content
        api = client.get(f"/api/live/sessions/{live.pk}/")
        assert api.status_code == 200
        assert [(r["number"], r["kwh_per_100km"]) for r in api.json()["rows"]] == [
            ("6", "9.000"),
            ("5", "9.500"),
        ]
    finally:
        async_to_sync(layer.flush)()
        channel_layers.backends.clear()
