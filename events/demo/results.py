"""Demo results: a finished club round with qualifying, two races, lap charts and a correction,
and a championship with standings. Called by events/demo/events.py after the demo events exist.

The races are simulated with a fixed seed, so the demo is the same on every run; running it again
replaces the results instead of adding to them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from events.models import (
    Championship,
    EntryClass,
    Event,
    ResultRevision,
    Session,
    SessionResult,
)
from events.services.championships import (
    add_round,
    create_championship,
    recompute_standings,
    set_classes,
)
from events.services.promotions import promotions_of
from events.services.results import LapLine, ResultLine, publish_results
from racing.models import Organization

SHANGHAI = ZoneInfo("Asia/Shanghai")
EVENT_SLUG = "demo-shanghai-club-cup-round-2"
CHAMPIONSHIP_SLUG = "demo-shanghai-club-championship"
DEMO_DRIVER_EMAIL = "driver@paddock.demo"


@dataclass(frozen=True)
class DemoCar:
    number: str
    driver: str
    team: str
    class_name: str
    pace_ms: int  # typical lap time


ROOKIE = "新秀组 Rookie"
OPEN = "公开组 Open"
CARS = [
    DemoCar("7", "张敏 Zhang Min", "赤龙车队 Red Dragon", ROOKIE, 98_400),
    DemoCar("12", "李伟 Li Wei", "", ROOKIE, 98_900),
    DemoCar("18", "王芳 Wang Fang", "蓝虎 Blue Tiger", ROOKIE, 99_300),
    DemoCar("21", "陈杰 Chen Jie", "", ROOKIE, 99_700),
    DemoCar("33", "刘洋 Liu Yang", "申城速度 Shencheng Speed", ROOKIE, 100_200),
    DemoCar("41", "赵磊 Zhao Lei", "", ROOKIE, 100_800),
    DemoCar("101", "周婷 Zhou Ting", "蓝虎 Blue Tiger", OPEN, 95_100),
    DemoCar("108", "吴昊 Wu Hao", "赤龙车队 Red Dragon", OPEN, 95_300),
    DemoCar("115", "孙悦 Sun Yue", "", OPEN, 95_900),
    DemoCar("122", "黄晨 Huang Chen", "申城速度 Shencheng Speed", OPEN, 96_400),
]


def _simulate(
    seed: int, laps: int, retire: dict[str, int]
) -> tuple[list[ResultLine], list[LapLine]]:
    """A plausible race: each car's pace plus noise, a slow lap for a spin, retirements."""
    rng = random.Random(seed)
    totals: dict[str, int] = {car.number: 0 for car in CARS}
    done: dict[str, int] = {car.number: 0 for car in CARS}
    best: dict[str, tuple[int, int]] = {}
    per_lap: list[LapLine] = []
    for lap in range(1, laps + 1):
        this_lap: dict[str, int] = {}
        for car in CARS:
            if car.number in retire and lap > retire[car.number]:
                continue
            lap_ms = car.pace_ms + rng.randint(-700, 900) + (3_000 if lap == 1 else 0)
            if rng.random() < 0.04:
                lap_ms += rng.randint(4_000, 12_000)  # a spin or a moment off the track
            totals[car.number] += lap_ms
            this_lap[car.number] = lap_ms
            done[car.number] = lap
            if car.number not in best or lap_ms < best[car.number][0]:
                best[car.number] = (lap_ms, lap)
        order = sorted(
            (car.number for car in CARS if done[car.number] == lap),
            key=lambda number: totals[number],
        )
        for position, number in enumerate(order, start=1):
            per_lap.append(LapLine(number, lap, position, this_lap[number]))
    finishers = sorted(
        (car for car in CARS if car.number not in retire), key=lambda car: totals[car.number]
    )
    lines = [
        ResultLine(
            car_number=car.number,
            position=position,
            driver_name=car.driver,
            team_name=car.team,
            class_name=car.class_name,
            laps=laps,
            total_ms=totals[car.number],
            best_lap_ms=best[car.number][0],
            best_lap_no=best[car.number][1],
        )
        for position, car in enumerate(finishers, start=1)
    ]
    lines += [
        ResultLine(
            car_number=car.number,
            status="dnf",
            driver_name=car.driver,
            team_name=car.team,
            class_name=car.class_name,
            laps=done[car.number],
            best_lap_ms=best[car.number][0] if car.number in best else None,
            best_lap_no=best[car.number][1] if car.number in best else None,
        )
        for car in CARS
        if car.number in retire
    ]
    return lines, per_lap


def _qualifying(seed: int) -> list[ResultLine]:
    rng = random.Random(seed)
    times = {car.number: car.pace_ms - 900 + rng.randint(-500, 500) for car in CARS}
    order = sorted(CARS, key=lambda car: times[car.number])
    return [
        ResultLine(
            car_number=car.number,
            position=position,
            driver_name=car.driver,
            team_name=car.team,
            class_name=car.class_name,
            laps=6,
            best_lap_ms=times[car.number],
            best_lap_no=rng.randint(2, 6),
        )
        for position, car in enumerate(order, start=1)
    ]


def _at(day: datetime, clock: str) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(day.date(), time(hours, minutes), tzinfo=SHANGHAI)


def _event(organization: Organization) -> tuple[Event, dict[str, Session]]:
    now = timezone.now()
    day = timezone.localtime(now, SHANGHAI) - timedelta(days=21)
    event, _ = Event.objects.update_or_create(
        slug=EVENT_SLUG,
        defaults={
            "organization": organization,
            "title": "上海俱乐部杯 第二站 Shanghai Club Cup Round 2",
            "tier": "national",
            "discipline": "circuit",
            "venue_name": "上海国际赛车场 Shanghai International Circuit",
            "province": "shanghai",
            "city": "Shanghai",
            "address": "2000 Yining Road, Jiading",
            "starts_at": _at(day, "08:00"),
            "ends_at": _at(day, "18:00"),
            "status": Event.Status.COMPLETED,
            "published_at": now - timedelta(days=60),
            "registration_opens_at": _at(day, "08:00") - timedelta(days=60),
            "registration_closes_at": _at(day, "08:00") - timedelta(days=1),
            "description": "Round 2 of the club championship: results, lap charts and standings.",
            "updated_at": now,
        },
    )
    sessions = {}
    for key, kind, name, clock, minutes in (
        ("qualifying", "qualifying", "排位赛 Qualifying", "10:00", 20),
        ("race1", "race", "第一回合 Race 1", "13:00", 30),
        ("race2", "race", "第二回合 Race 2", "15:30", 30),
    ):
        sessions[key], _ = Session.objects.update_or_create(
            event=event,
            name=name,
            defaults={
                "kind": kind,
                "starts_at": _at(day, clock),
                "ends_at": _at(day, clock) + timedelta(minutes=minutes),
                "updated_at": now,
            },
        )
    for position, name in enumerate((ROOKIE, OPEN)):
        EntryClass.objects.update_or_create(
            event=event,
            name=name,
            defaults={"capacity": 24, "fee": 1200, "position": position},
        )
    return event, sessions


@transaction.atomic
def seed(stdout: TextIO) -> None:
    organization = Organization.objects.filter(slug="shanghai-motor-club").first()
    if organization is None:
        return
    event, sessions = _event(organization)
    driver = get_user_model().objects.filter(email__iexact=DEMO_DRIVER_EMAIL).first()

    def with_driver(lines: list[ResultLine]) -> list[ResultLine]:
        # The demo driver account drives car 7, so "my results" has something to show.
        return [
            replace(line, driver_id=driver.pk)
            if driver is not None and line.car_number == "7"
            else line
            for line in lines
        ]

    # Start from scratch so that running the demo again gives the same results and history.
    SessionResult.objects.filter(session__event=event).delete()
    Championship.objects.filter(slug=CHAMPIONSHIP_SLUG).delete()

    publish_results(
        session=sessions["qualifying"],
        lines=with_driver(_qualifying(3)),
        source=SessionResult.Source.LIVE,
        official=True,
    )
    for key, seed_value, retire in (("race1", 11, {"41": 5}), ("race2", 12, {"115": 9})):
        lines, laps = _simulate(seed_value, 12, retire)
        publish_results(
            session=sessions[key],
            lines=with_driver(lines),
            laps=laps,
            source=SessionResult.Source.LIVE,
            official=True,
        )
    # A stewards' decision after the results were official: the history keeps both versions.
    race2 = list(sessions["race2"].result.rows.order_by("order"))
    corrected = [
        ResultLine(
            car_number=row.car_number,
            status=row.status,
            position=row.finish_position,
            driver_name=row.driver_name,
            team_name=row.team_name,
            class_name=row.class_name,
            laps=row.laps,
            total_ms=row.total_ms,
            best_lap_ms=row.best_lap_ms,
            best_lap_no=row.best_lap_no,
            driver_id=row.driver_id,
            penalty_ms=5_000 if index == 1 else 0,
            penalty_reason="超出赛道界限 Track limits, turn 14" if index == 1 else "",
        )
        for index, row in enumerate(race2)
    ]
    publish_results(
        session=sessions["race2"],
        lines=corrected,
        source=SessionResult.Source.TYPED,
        reason="赛会干事决定：5 秒罚时 Stewards' decision: 5 s time penalty",
    )

    # Official an hour after each session, as on the day, rather than when the demo was seeded.
    for session in sessions.values():
        official_at = session.ends_at + timedelta(hours=1)
        SessionResult.objects.filter(session=session).update(
            official_at=official_at, updated_at=official_at
        )
        ResultRevision.objects.filter(result__session=session).update(created_at=official_at)
    ResultRevision.objects.filter(result__session=sessions["race2"], number=2).update(
        created_at=sessions["race2"].ends_at + timedelta(hours=2)
    )

    championship = create_championship(
        organization=organization,
        name="上海俱乐部锦标赛 Shanghai Club Championship",
        slug=CHAMPIONSHIP_SLUG,
        season=timezone.localdate().year,
        description="积分前三的新秀组车手下赛季须升入公开组。 The top 3 rookies move up to Open.",
        position_points=[25, 18, 15, 12, 10, 8, 6, 4, 2, 1],
        pole_points=1,
        fastest_lap_points=1,
        fastest_lap_top=10,
    )
    set_classes(
        championship=championship,
        classes=[
            {"name": ROOKIE, "promote_top": 3, "promote_to": OPEN},
            {"name": OPEN},
        ],
    )
    add_round(
        championship=championship,
        session=sessions["race1"],
        qualifying_session=sessions["qualifying"],
    )
    add_round(championship=championship, session=sessions["race2"])
    recompute_standings(championship=championship)
    stdout.write(
        f"Demo results: {event.title} (3 sessions), championship with "
        f"{championship.standings.count()} standings.\n"
    )
    # The season stays open: round 3 of the club cup is still to come this season, so nobody is
    # refused yet. Staff close it from the championship's page (Season and promotions) when the
    # season is over; the demo only shows who would move up.
    moving_up = [standing.name for standing, _waiver in promotions_of(championship)]
    stdout.write(
        f"Demo promotions: the top 3 of {ROOKIE} move up to {OPEN} ({', '.join(moving_up)}); "
        f"season open. /organizer/{organization.slug}/championships/{championship.slug}/\n"
    )
