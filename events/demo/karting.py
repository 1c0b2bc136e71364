"""Demo kart meeting and NEV efficiency run, both finished two weeks ago.

- The Chengdu Karting Open's spring round: twelve arrive-and-drive drivers, qualifying, three
  group heats (A-B, A-C, B-C), a pre-final whose grid comes from the heat points, and a final
  whose grid is the pre-final's result; karts drawn for every stage, no kart twice per driver.
- The Hainan NEV efficiency run's spring round: eight cars, a one-hour window, energy entered
  by staff, kWh/100 km with the over-time penalty.

Races are simulated with fixed seeds and the draws use fixed seeds, so the demo is the same on
every run; running it again replaces the results and grids.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import TextIO
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from events.models import (
    AuditLog,
    EfficiencyRun,
    EntryClass,
    Event,
    Session,
    SessionFormat,
    SessionResult,
    StartingGrid,
)
from events.services import efficiency, karting
from events.services.results import ResultLine, publish_results
from racing.models import Organization

SHANGHAI = ZoneInfo("Asia/Shanghai")
KART_SLUG = "demo-chengdu-karting-open-spring"
EFFICIENCY_SLUG = "demo-hainan-efficiency-spring"
KARTS = [str(n) for n in range(1, 15)]

# (number, name, pace in ms)
DRIVERS = [
    ("3", "马超 Ma Chao", 48_200),
    ("5", "林静 Lin Jing", 48_350),
    ("8", "何勇 He Yong", 48_500),
    ("11", "郭磊 Guo Lei", 48_600),
    ("14", "罗丹 Luo Dan", 48_750),
    ("17", "高峰 Gao Feng", 48_850),
    ("22", "梁爽 Liang Shuang", 49_000),
    ("26", "宋佳 Song Jia", 49_100),
    ("31", "唐宁 Tang Ning", 49_250),
    ("35", "韩雪 Han Xue", 49_400),
    ("40", "冯涛 Feng Tao", 49_550),
    ("44", "曹颖 Cao Ying", 49_700),
]
NAMES = {number: name for number, name, _pace in DRIVERS}
PACE = {number: pace for number, _name, pace in DRIVERS}

KART_RULES = {
    "max_grid": 8,
    "heat_grid": "qualifying",
    "heat_points": [0, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    "heat_points_lower_is_better": True,
    "prefinal": True,
    "final_grid_from": "prefinal",
}

# (number, driver, distance km, minutes, kWh)
NEV_CARS = [
    ("6", "许诺 Xu Nuo", "42.0", 58.5, "4.620"),
    ("9", "邓琳 Deng Lin", "42.0", 59.2, "4.410"),
    ("13", "彭程 Peng Cheng", "42.0", 61.5, "4.280"),  # 2.5 % over: +10 %
    ("19", "曾可 Zeng Ke", "42.0", 57.0, "5.050"),
    ("24", "谢雨 Xie Yu", "42.0", 66.0, "4.100"),  # 10 % over: +20 %
    ("28", "蒋欣 Jiang Xin", "40.6", 59.9, "4.380"),
    ("33", "钟毅 Zhong Yi", "42.0", 55.4, "5.390"),
    ("37", "袁梦 Yuan Meng", "12.6", 21.0, "1.700"),  # retired
]


def _at(day: datetime, clock: str) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(day.date(), time(hours, minutes), tzinfo=SHANGHAI)


def _event(organization: Organization, slug: str, **fields: object) -> Event:
    now = timezone.now()
    day = timezone.localtime(now, SHANGHAI) - timedelta(days=14)
    event, _created = Event.objects.update_or_create(
        slug=slug,
        defaults={
            "organization": organization,
            "starts_at": _at(day, "08:00"),
            "ends_at": _at(day, "18:00"),
            "status": Event.Status.COMPLETED,
            "published_at": now - timedelta(days=45),
            "registration_opens_at": _at(day, "08:00") - timedelta(days=45),
            "registration_closes_at": _at(day, "08:00") - timedelta(days=1),
            "updated_at": now,
            **fields,
        },
    )
    return event


def _session(
    event: Event, name: str, kind: str, clock: str, minutes: int, fmt: str, rules: dict
) -> Session:
    day = timezone.localtime(event.starts_at, SHANGHAI)
    session, _created = Session.objects.update_or_create(
        event=event,
        name=name,
        defaults={
            "kind": kind,
            "format": fmt,
            "rules": rules,
            "starts_at": _at(day, clock),
            "ends_at": _at(day, clock) + timedelta(minutes=minutes),
            "updated_at": timezone.now(),
        },
    )
    return session


def _race(grid: list[str], seed: int, laps: int, retire: str = "") -> list[ResultLine]:
    """A short kart race: each driver's pace plus noise, half a second lost per grid row."""
    rng = random.Random(seed)
    totals = {}
    for place, number in enumerate(grid):
        totals[number] = (
            sum(PACE[number] + rng.randint(-400, 400) for _ in range(laps)) + (place // 2) * 500
        )
    finishers = sorted((n for n in grid if n != retire), key=totals.__getitem__)
    lines = [
        ResultLine(
            car_number=number,
            position=position,
            driver_name=NAMES[number],
            laps=laps,
            total_ms=totals[number],
        )
        for position, number in enumerate(finishers, start=1)
    ]
    if retire in grid:
        lines.append(
            ResultLine(car_number=retire, status="dnf", driver_name=NAMES[retire], laps=laps // 2)
        )
    return lines


def _kart_meeting(organization: Organization) -> Event:
    event = _event(
        organization,
        KART_SLUG,
        title="成都卡丁车公开赛 春季站 Chengdu Karting Open — Spring Round",
        tier="karting",
        discipline="karting",
        venue_name="成都卡丁车场 Chengdu Kart Track",
        province="sichuan",
        city="Chengdu",
        address="Shuangliu District",
        description="Arrive and drive: heats in groups, a pre-final and a final; karts drawn.",
    )
    EntryClass.objects.update_or_create(
        event=event, name="成人组 Senior", defaults={"capacity": 24, "fee": 500, "position": 0}
    )
    qualifying = _session(
        event, "排位赛 Qualifying", "qualifying", "09:00", 10, SessionFormat.RACE, {}
    )
    heats = [
        _session(
            event, f"预赛 {n} Heat {n}", "heat", clock, 10, SessionFormat.KART_HEATS, KART_RULES
        )
        for n, clock in ((1, "10:00"), (2, "10:40"), (3, "11:20"))
    ]
    prefinal = _session(
        event, "半决赛 Pre-final", "final", "14:00", 15, SessionFormat.KART_HEATS, KART_RULES
    )
    final = _session(
        event, "决赛 Final", "final", "16:00", 20, SessionFormat.KART_HEATS, KART_RULES
    )
    SessionResult.objects.filter(session__event=event).delete()
    StartingGrid.objects.filter(session__event=event).delete()
    AuditLog.objects.filter(event=event, action__in=["grid_made", "karts_drawn"]).delete()

    rng = random.Random(7)
    times = {number: PACE[number] - 600 + rng.randint(-300, 300) for number in NAMES}
    order = sorted(NAMES, key=times.__getitem__)
    publish_results(
        session=qualifying,
        lines=[
            ResultLine(
                car_number=number,
                position=position,
                driver_name=NAMES[number],
                laps=5,
                best_lap_ms=times[number],
                best_lap_no=3,
            )
            for position, number in enumerate(order, start=1)
        ],
        source=SessionResult.Source.LIVE,
        official=True,
    )
    karting.make_heat_grids(event=event, seed="demo-spring-heats")
    stages: list[tuple[Session, int, str]] = [
        (heats[0], 21, ""),
        (heats[1], 22, "26"),
        (heats[2], 23, ""),
    ]
    for session, seed, retire in stages:
        grid = karting.draw_karts(session=session, karts=KARTS, seed=f"demo-karts-{seed}")
        publish_results(
            session=session,
            lines=_race(grid.order, seed, 8, retire),
            source=SessionResult.Source.LIVE,
            official=True,
        )
    for session, seed, laps in ((prefinal, 31, 12), (final, 41, 16)):
        karting.make_final_grid(session=session)
        grid = karting.draw_karts(session=session, karts=KARTS, seed=f"demo-karts-{seed}")
        publish_results(
            session=session,
            lines=_race(grid.order, seed, laps),
            source=SessionResult.Source.LIVE,
            official=True,
        )
    return event


def _efficiency_run(organization: Organization) -> Event:
    event = _event(
        organization,
        EFFICIENCY_SLUG,
        title="海南新能源能耗挑战赛 春季站 Hainan NEV Efficiency — Spring Run",
        tier="nev",
        discipline="efficiency",
        venue_name="海南国际赛车场 Hainan International Circuit",
        province="hainan",
        city="Haikou",
        address="Haikou",
        description="42 km in an hour; the least energy per 100 km wins.",
    )
    EntryClass.objects.update_or_create(
        event=event, name="量产电动车 Production EV", defaults={"capacity": 20, "fee": 300}
    )
    session = _session(
        event,
        "能耗赛 Efficiency run",
        "race",
        "10:00",
        90,
        SessionFormat.EFFICIENCY,
        {"measure": "distance", "time_window_ms": 3_600_000, "over_time": "penalty"},
    )
    SessionResult.objects.filter(session=session).delete()
    EfficiencyRun.objects.filter(session=session).delete()
    efficiency.save_runs(
        session=session,
        lines=[
            efficiency.EnergyLine(
                car_number=number,
                driver_name=name,
                status="dnf" if number == "37" else "ok",
                energy_kwh=Decimal(kwh),
                distance_km=Decimal(km),
                elapsed_ms=int(minutes * 60_000),
            )
            for number, name, km, minutes, kwh in NEV_CARS
        ],
        source=SessionResult.Source.TYPED,
        official=True,
    )
    return event


@transaction.atomic
def seed(stdout: TextIO) -> None:
    karting_club = Organization.objects.filter(slug="pearl-river-karting").first()
    club = Organization.objects.filter(slug="shanghai-motor-club").first()
    if karting_club is not None:
        event = _kart_meeting(karting_club)
        stdout.write(f"Demo kart meeting: {event.title} (3 heats, pre-final, final).\n")
    if club is not None:
        event = _efficiency_run(club)
        stdout.write(f"Demo efficiency run: {event.title} ({len(NEV_CARS)} cars).\n")
