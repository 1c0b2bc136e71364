"""On a phone, a fan reads the classification and both charts: drawn by the server, no scripts
fetched from anywhere, and labels big enough to read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from events.models import Event, Session
from events.services.results import LapLine, ResultLine, publish_results, replace_laps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def race(organization: Any) -> Session:
    starts_at = timezone.now() - timedelta(days=2)
    event = Event.objects.create(
        organization=organization,
        title="Shanghai Club Cup",
        slug="shanghai-club-cup",
        tier="national",
        discipline="circuit",
        venue_name="Shanghai International Circuit",
        province="shanghai",
        city="Shanghai",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=9),
        status=Event.Status.COMPLETED,
    )
    race = Session.objects.create(
        event=event,
        kind=Session.Kind.RACE,
        name="Race 1",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
    )
    cars = [str(n) for n in range(1, 13)]
    publish_results(
        session=race,
        source="csv",
        official=True,
        lines=[
            ResultLine(
                car_number=car,
                position=index + 1,
                driver_name=f"车手 {car}",
                laps=15,
                total_ms=1_350_000 + index * 1_700,
                best_lap_ms=89_000 + index * 90,
            )
            for index, car in enumerate(cars)
        ],
    )
    replace_laps(
        session=race,
        laps=[
            LapLine(
                car, lap, (index + lap) % len(cars) + 1, 90_000 + (index * 37 + lap * 53) % 2_000
            )
            for index, car in enumerate(cars)
            for lap in range(1, 16)
        ],
    )
    return race


def test_the_results_page_fits_a_phone_with_readable_server_drawn_charts(
    live_server: Any, page_factory: Any, race: Session
) -> None:
    page = page_factory(locale="zh-CN")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/events/shanghai-club-cup/results/{race.pk}/")

    assert page.locator("h1").inner_text().startswith("Race 1")
    assert "正式" in page.locator("main").inner_text()
    assert page.locator("table.results-table tbody tr").count() == 12
    charts = page.locator("svg.chart-svg")
    assert charts.count() == 2
    for index in range(2):
        box = charts.nth(index).bounding_box()
        assert box is not None and 300 <= box["width"] <= 390
        assert box["height"] > 150
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('svg.chart-svg text')].map(
             t => t.getBoundingClientRect().height).filter(h => h > 0))"""
    )
    assert smallest >= 8, smallest
    assert page.locator("svg.chart-svg polyline").count() == 24
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert page.locator("script[src]").count() == 0
