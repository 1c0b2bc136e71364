"""In Chromium on a 390 px phone: staff make a kart meeting's heat grids and draw karts, then
enter two cars of an efficiency run; the public board ranks them by kWh/100 km. No page is wider
than the phone, and no page breaks the content security policy."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from events.models import Event, Session, SessionFormat, SessionResult, StartingGrid
from events.services.results import ResultLine, publish_results
from tests.browser.policy import watch_policy_violations
from tests.browser.test_a_driver_builds_a_profile_licences_and_garage import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_staff_run_the_meeting_and_the_efficiency_run_from_a_phone(
    live_server: Any, page_factory: Any, staff_member: Any, organization: Any
) -> None:
    starts = timezone.now() - timedelta(hours=4)
    event = Event.objects.create(
        organization=organization,
        title="Kart and NEV day",
        slug="kart-nev-day",
        tier="karting",
        discipline="karting",
        venue_name="Shanghai Kart Centre",
        province="shanghai",
        city="Shanghai",
        starts_at=starts,
        ends_at=starts + timedelta(hours=9),
        status=Event.Status.PUBLISHED,
    )
    qualifying = Session.objects.create(
        event=event,
        name="Qualifying",
        kind=Session.Kind.QUALIFYING,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=20),
    )
    publish_results(
        session=qualifying,
        lines=[
            ResultLine(car_number=str(n), position=n, driver_name=f"Driver {n}")
            for n in range(1, 7)
        ],
        source=SessionResult.Source.TYPED,
    )
    rules = {"max_grid": 4}
    for hour in (1, 2, 3):
        Session.objects.create(
            event=event,
            name=f"Heat {hour}",
            kind=Session.Kind.HEAT,
            format=SessionFormat.KART_HEATS,
            rules=rules,
            starts_at=starts + timedelta(hours=hour),
            ends_at=starts + timedelta(hours=hour, minutes=15),
        )
    run = Session.objects.create(
        event=event,
        name="Efficiency run",
        kind=Session.Kind.OTHER,
        format=SessionFormat.EFFICIENCY,
        rules={"time_window_ms": 3_600_000, "over_time": "penalty"},
        starts_at=starts + timedelta(hours=5),
        ends_at=starts + timedelta(hours=7),
    )

    staff = page_factory(locale="en-US")
    violations = watch_policy_violations(staff)
    log_in(staff, live_server, staff_member)
    base = f"{live_server.url}/organizer/{organization.slug}/events/{event.slug}/results/"
    staff.goto(f"{base}karting/")
    staff.get_by_role("button", name="Make the heat grids").click()
    staff.wait_for_load_state()
    assert "The heat grids are made." in staff.locator("main").inner_text()
    assert fits_the_phone(staff)
    staff.locator("input[name=karts]").first.fill("11-16")
    staff.get_by_role("button", name="Draw karts").first.click()
    staff.wait_for_load_state()
    assert "Karts drawn" in staff.locator("main").inner_text()
    heat = event.sessions.get(name="Heat 1")
    karts = list(StartingGrid.objects.get(session=heat).karts.values())
    assert len(set(karts)) == 4 and set(karts) <= {str(n) for n in range(11, 17)}
    assert fits_the_phone(staff)

    staff.goto(f"{base}{run.pk}/efficiency/")
    for number, distance, time, kwh in (
        ("7", "42", "58:30", "4.620"),
        ("8", "42", "61:30", "4.280"),
    ):
        staff.fill("input[name=car_number]", number)
        staff.fill("input[name=distance_km]", distance)
        staff.fill("input[name=time]", time)
        staff.fill("input[name=energy_kwh]", kwh)
        staff.locator("main form button[type=submit]").click()
        staff.wait_for_load_state()
        assert f"Car {number} saved." in staff.locator("main").inner_text()
        assert fits_the_phone(staff)

    fan = page_factory(locale="en-US")
    violations += watch_policy_violations(fan)
    fan.goto(f"{live_server.url}/events/{event.slug}/efficiency/{run.pk}/")
    rows = fan.locator("table.efficiency-standings tbody tr")
    # Car 8 was 2.5 % over the hour: +10 % energy, 4.708 kWh, 11.210 kWh/100 km; car 7: 11.000.
    assert rows.nth(0).inner_text().split()[:2] == ["1", "7"]
    assert "11.210" in rows.nth(1).inner_text()
    assert fits_the_phone(fan)
    assert violations == []
