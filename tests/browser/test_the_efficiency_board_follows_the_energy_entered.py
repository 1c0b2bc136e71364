"""A spectator's NEV efficiency board is rendered with the standings and then follows the socket:
energy entered (and corrected) by staff reaches it without a reload, in order, and the page breaks
no content policy."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from events.models import Event, Session, SessionFormat
from events.services import efficiency
from racing.models import Organization
from tests.browser.policy import wait_until, watch_policy_violations
from tests.browser.test_live_board_follows_the_race import AsgiServer, asgi_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_run_day() -> Session:
    organization = Organization.objects.create(name="Ningbo NEV Club", slug="nev-club")
    starts = timezone.now() - timedelta(hours=2)
    event = Event.objects.create(
        organization=organization,
        title="NEV Efficiency",
        slug="nev-efficiency",
        tier="nev",
        discipline="efficiency",
        venue_name="Ningbo",
        province="zhejiang",
        city="Ningbo",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        status=Event.Status.PUBLISHED,
    )
    return Session.objects.create(
        event=event,
        kind=Session.Kind.OTHER,
        name="Efficiency run",
        format=SessionFormat.EFFICIENCY,
        rules={"measure": "laps", "lap_m": 2500, "time_window_ms": 3_600_000},
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )


def enter(*, session: Session, number: str, kwh: str) -> None:
    efficiency.save_runs(
        session=session,
        lines=[
            efficiency.EnergyLine(number, laps=8, elapsed_ms=3_500_000, energy_kwh=Decimal(kwh))
        ],
    )


ORDER = (
    "[...document.querySelectorAll('#efficiency-board tbody tr')].map(tr => tr.dataset.key).join()"
)


def test_energy_entered_reaches_the_open_board_without_a_reload(
    asgi_server: AsgiServer,  # noqa: F811
    page_factory: Any,
) -> None:
    session = asgi_server.run(make_run_day)
    fan = page_factory(locale="zh-CN")
    violations = watch_policy_violations(fan)
    fan.goto(f"{asgi_server.url}/events/nev-efficiency/efficiency/{session.pk}/")
    fan.wait_for_selector("#efficiency-board .live-conn[data-state=live]")

    asgi_server.run(enter, session=session, number="5", kwh="1.9")  # 20 km: 9.500 kWh/100 km
    wait_until(fan, f"{ORDER} === '5'", timeout=5000)
    asgi_server.run(enter, session=session, number="6", kwh="2.0")  # 10.000
    wait_until(fan, f"{ORDER} === '5,6'", timeout=5000)
    asgi_server.run(enter, session=session, number="6", kwh="1.8")  # corrected: 9.000, now first
    wait_until(fan, f"{ORDER} === '6,5'", timeout=5000)
    cells = fan.evaluate(
        "[...document.querySelectorAll('#efficiency-board tbody tr[data-key=\"6\"] td')]"
        ".map(td => td.textContent.trim())"
    )
    assert cells[:4] == ["1", "6", "", "9.000"]
    assert violations == []
