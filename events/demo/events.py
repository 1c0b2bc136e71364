"""Demo events for `manage.py seed_demo`: all four tiers, several provinces, past and future.

Dates are relative to today so the demo always has upcoming, live and past events. Safe to run
again: rows are found by slug (events) or by name (sessions, classes) and updated in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TextIO
from zoneinfo import ZoneInfo

from django.utils import timezone

from events.demo import deposits as demo_deposits
from events.demo import entries as demo_entries
from events.demo import karting as demo_karting
from events.demo import regularity as demo_regularity
from events.demo import results as results_demo
from events.demo import timed_runs as demo_timed_runs
from events.models import EntryClass, Event, EventOfficial, Session
from racing.engine.presets import preset_for
from racing.models import CompetitionClass, Membership, Organization
from racing.services.classes import unique_class_slug

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLUB = "shanghai-motor-club"
KARTING_CLUB = "pearl-river-karting"


@dataclass
class DemoEvent:
    slug: str
    organization: str
    title: str
    tier: str
    discipline: str
    venue_name: str
    province: str
    city: str
    address: str
    latitude: str
    longitude: str
    days_from_today: int
    days: int = 1
    status: str = Event.Status.PUBLISHED
    all_day: bool = False
    cancellation_reason: str = ""
    description: str = ""
    # session: (kind, name, day index, "HH:MM", minutes)
    sessions: list[tuple[str, str, int, str, int]] = field(default_factory=list)
    # class: (name, capacity, fee, early-bird fee or None, approval required, first car number)
    classes: list[tuple[str, int, str, str | None, bool, int]] = field(default_factory=list)
    starts_now: bool = False
    # class name -> template in racing.engine.presets; a class not listed gets its tier's only
    # template (karting has two, so every karting class names its own).
    class_presets: dict[str, str] = field(default_factory=dict)


CIRCUIT_DAY = [
    ("practice", "自由练习 Free practice", 0, "09:00", 40),
    ("qualifying", "排位赛 Qualifying", 0, "11:00", 20),
    ("race", "第一回合 Race 1", 0, "14:00", 30),
    ("race", "第二回合 Race 2", 0, "16:00", 30),
]
KARTING_DAY = [
    ("practice", "练习 Practice", 0, "08:30", 15),
    ("heat", "A 组预赛 Heat A", 0, "10:00", 12),
    ("heat", "B 组预赛 Heat B", 0, "10:30", 12),
    ("final", "决赛 Final", 0, "15:00", 20),
]

EVENTS = [
    DemoEvent(
        slug="demo-shanghai-club-cup",
        organization=CLUB,
        title="上海俱乐部杯 第三站 Shanghai Club Cup Round 3",
        tier="national",
        discipline="circuit",
        venue_name="上海国际赛车场 Shanghai International Circuit",
        province="shanghai",
        city="Shanghai",
        address="2000 Yining Road, Jiading",
        latitude="31.338900",
        longitude="121.219700",
        days_from_today=21,
        sessions=CIRCUIT_DAY,
        classes=[
            ("新秀组 Rookie", 24, "1200.00", "980.00", False, 1),
            ("公开组 Open", 30, "1800.00", None, True, 100),
        ],
        description="CAMF-sanctioned club championship round. Current-year licence required.",
    ),
    DemoEvent(
        slug="demo-zhuhai-endurance",
        organization=CLUB,
        title="珠海四小时耐力赛 Zhuhai 4 Hours",
        tier="national",
        discipline="circuit",
        venue_name="珠海国际赛车场 Zhuhai International Circuit",
        province="guangdong",
        city="Zhuhai",
        address="Jinding, Xiangzhou",
        latitude="22.366500",
        longitude="113.562600",
        days_from_today=-60,
        status=Event.Status.COMPLETED,
        sessions=[
            ("qualifying", "排位赛 Qualifying", 0, "10:00", 30),
            ("race", "四小时耐力赛 4-hour race", 0, "13:00", 240),
        ],
        classes=[("耐力组 Endurance", 40, "6000.00", None, True, 1)],
    ),
    DemoEvent(
        slug="demo-great-wall-classic",
        organization=CLUB,
        title="长城经典车巡游 Great Wall Classic Car Tour",
        tier="local_heritage",
        discipline="regularity",
        venue_name="八达岭 Badaling",
        province="beijing",
        city="Beijing",
        address="Yanqing District",
        latitude="40.356000",
        longitude="116.016000",
        days_from_today=45,
        days=2,
        all_day=True,
        sessions=[
            ("other", "第一赛段 Leg 1", 0, "08:00", 480),
            ("other", "第二赛段 Leg 2", 1, "08:00", 420),
        ],
        classes=[
            ("1975 年前车辆 Pre-1975", 30, "2500.00", "2200.00", True, 1),
            ("1976–1995 年车辆 1976–1995", 30, "2500.00", None, True, 50),
        ],
        description="Regularity tour for cars over 30 years old, with navigators.",
    ),
    DemoEvent(
        slug="demo-west-lake-heritage",
        organization=CLUB,
        title="西湖经典车日 West Lake Heritage Day",
        tier="local_heritage",
        discipline="regularity",
        venue_name="杭州西湖 West Lake",
        province="zhejiang",
        city="Hangzhou",
        address="Beishan Street",
        latitude="30.259000",
        longitude="120.130000",
        days_from_today=-30,
        status=Event.Status.COMPLETED,
        all_day=True,
        sessions=[("other", "巡游 Parade", 0, "09:00", 300)],
        classes=[("经典车 Classic", 50, "600.00", None, False, 1)],
    ),
    DemoEvent(
        slug="demo-taihu-heritage-regularity",
        organization=CLUB,
        title="太湖经典车匀速赛 Taihu Heritage Regularity",
        tier="local_heritage",
        discipline="regularity",
        venue_name="太湖 Lake Tai",
        province="jiangsu",
        city="Wuxi",
        address="Binhu District",
        latitude="31.490000",
        longitude="120.250000",
        days_from_today=0,
        starts_now=True,
        sessions=[("other", "第一赛段 Leg 1", 0, "", 240)],
        classes=[("经典车 Classic", 30, "800.00", None, False, 1)],
        description="Regularity rally for classic cars: time controls and secret checks.",
    ),
    DemoEvent(
        slug="demo-xian-heritage-rally",
        organization=CLUB,
        title="西安古城拉力 Xi'an Heritage Rally",
        tier="local_heritage",
        discipline="rally",
        venue_name="西安城墙 Xi'an City Wall",
        province="shaanxi",
        city="Xi'an",
        address="Yongning Gate",
        latitude="34.251000",
        longitude="108.943000",
        days_from_today=35,
        status=Event.Status.CANCELLED,
        cancellation_reason="Road works on the route; entry fees are refunded in full.",
        sessions=[("other", "赛段 Stage", 0, "09:00", 360)],
        classes=[("经典车 Classic", 20, "1500.00", None, True, 1)],
    ),
    DemoEvent(
        slug="demo-pearl-river-kart-sprint",
        organization=KARTING_CLUB,
        title="珠江卡丁车冲刺赛 Pearl River Kart Sprint",
        tier="karting",
        discipline="karting",
        venue_name="广州国际卡丁车场 Guangzhou Kart Circuit",
        province="guangdong",
        city="Guangzhou",
        address="Panyu District",
        latitude="23.000000",
        longitude="113.350000",
        days_from_today=10,
        sessions=KARTING_DAY,
        classes=[
            ("少年组 Junior (12–14)", 20, "450.00", None, False, 1),
            ("成人租赁组 Adult rental", 30, "380.00", "320.00", False, 100),
        ],
        class_presets={
            "少年组 Junior (12–14)": "karting_youth",
            "成人租赁组 Adult rental": "karting_adult",
        },
    ),
    DemoEvent(
        slug="demo-chengdu-karting-open",
        organization=KARTING_CLUB,
        title="成都卡丁车公开赛 Chengdu Karting Open",
        tier="karting",
        discipline="karting",
        venue_name="成都卡丁车场 Chengdu Kart Track",
        province="sichuan",
        city="Chengdu",
        address="Shuangliu District",
        latitude="30.580000",
        longitude="103.960000",
        days_from_today=75,
        sessions=KARTING_DAY,
        classes=[("成人组 Senior", 24, "500.00", None, False, 1)],
        class_presets={"成人组 Senior": "karting_adult"},
    ),
    DemoEvent(
        slug="demo-shanghai-kart-night",
        organization=KARTING_CLUB,
        title="上海卡丁车之夜 Shanghai Kart Night",
        tier="karting",
        discipline="karting",
        venue_name="上海卡丁车中心 Shanghai Kart Centre",
        province="shanghai",
        city="Shanghai",
        address="Minhang District",
        latitude="31.110000",
        longitude="121.380000",
        days_from_today=0,
        starts_now=True,
        sessions=[("heat", "预赛 Heat", 0, "", 30), ("final", "决赛 Final", 0, "", 30)],
        classes=[("租赁组 Rental", 30, "280.00", None, False, 1)],
        class_presets={"租赁组 Rental": "karting_adult"},
    ),
    DemoEvent(
        slug="demo-ningbo-nev-gymkhana",
        organization=CLUB,
        title="宁波新能源金卡纳 Ningbo NEV Gymkhana",
        tier="nev",
        discipline="autocross",
        venue_name="宁波国际赛道 Ningbo International Circuit",
        province="zhejiang",
        city="Ningbo",
        address="Beilun District",
        latitude="29.860000",
        longitude="121.840000",
        days_from_today=30,
        sessions=[
            ("practice", "试跑 Practice runs", 0, "09:30", 90),
            ("final", "计时赛 Timed runs", 0, "13:30", 180),
        ],
        classes=[
            ("纯电动 BEV", 30, "600.00", None, False, 1),
            ("插电混动 PHEV", 20, "600.00", None, False, 200),
        ],
    ),
    DemoEvent(
        slug="demo-hainan-efficiency",
        organization=CLUB,
        title="海南新能源能效挑战 Hainan NEV Efficiency Run",
        tier="nev",
        discipline="efficiency",
        venue_name="海口环岛路 Haikou Coastal Road",
        province="hainan",
        city="Haikou",
        address="Binhai Avenue",
        latitude="20.044000",
        longitude="110.198000",
        days_from_today=100,
        sessions=[("other", "能效赛段 Efficiency stage", 0, "08:00", 360)],
        classes=[("智能网联 Smart car", 25, "800.00", None, True, 1)],
    ),
    DemoEvent(
        slug="demo-chongqing-hillclimb",
        organization=CLUB,
        title="重庆爬山赛 Chongqing Hill Climb",
        tier="national",
        discipline="hillclimb",
        venue_name="南山 Nanshan",
        province="chongqing",
        city="Chongqing",
        address="Nan'an District",
        latitude="29.550000",
        longitude="106.620000",
        days_from_today=120,
        status=Event.Status.DRAFT,
        sessions=[("race", "爬山赛 Climb", 0, "10:00", 300)],
        classes=[("公开组 Open", 40, "1500.00", None, False, 1)],
    ),
]


def _at(day: date, clock: str) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=SHANGHAI)


def _times(demo: DemoEvent, today: date, now: datetime) -> tuple[datetime, datetime]:
    if demo.starts_now:
        start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
        return start, start + timedelta(hours=5)
    first_day = today + timedelta(days=demo.days_from_today)
    last_day = first_day + timedelta(days=demo.days - 1)
    if demo.all_day:
        return _at(first_day, "00:00"), _at(last_day, "23:59")
    return _at(first_day, "08:00"), _at(last_day, "18:00")


def _competition_class(event: Event, name: str, preset_key: str) -> CompetitionClass:
    """The organization's class of that name, with the template's rules."""
    preset = preset_for(preset_key)
    if preset is None:
        raise ValueError(f"demo class {name!r}: no template {preset_key!r}")
    # Updated, not only created: a demo seeded before the karting templates were split has its
    # adult classes stored with the youth rules, and seeding again must mend them.
    competition_class, _ = CompetitionClass.objects.update_or_create(
        organization=event.organization,
        name=name,
        create_defaults={
            "slug": unique_class_slug(event.organization, name),
            "tier": event.tier,
            "discipline": preset.discipline,
            "rules": preset.rules.to_dict(),
        },
        defaults={
            "tier": event.tier,
            "discipline": preset.discipline,
            "rules": preset.rules.to_dict(),
        },
    )
    return competition_class


def seed_events(stdout: TextIO) -> list[Event]:
    now = timezone.now()
    today = timezone.localtime(now, SHANGHAI).date()
    organizations = {o.slug: o for o in Organization.objects.filter(slug__in=[CLUB, KARTING_CLUB])}
    seeded = []
    for demo in EVENTS:
        starts_at, ends_at = _times(demo, today, now)
        event, _ = Event.objects.update_or_create(
            slug=demo.slug,
            defaults={
                "organization": organizations[demo.organization],
                "title": demo.title,
                "tier": demo.tier,
                "discipline": demo.discipline,
                "venue_name": demo.venue_name,
                "province": demo.province,
                "city": demo.city,
                "address": demo.address,
                "latitude": Decimal(demo.latitude),
                "longitude": Decimal(demo.longitude),
                "time_zone": "Asia/Shanghai",
                "starts_at": starts_at,
                "ends_at": ends_at,
                "all_day": demo.all_day,
                "description": demo.description,
                "status": demo.status,
                "cancellation_reason": demo.cancellation_reason,
                "published_at": None if demo.status == Event.Status.DRAFT else now,
                "cancelled_at": now if demo.status == Event.Status.CANCELLED else None,
                # far-off events are not open yet, nearer ones are (or were)
                "registration_opens_at": starts_at - timedelta(days=60),
                "registration_closes_at": starts_at
                if demo.starts_now
                else starts_at - timedelta(days=1),
                "updated_at": now,
            },
        )
        for index, (kind, name, day, clock, minutes) in enumerate(demo.sessions):
            if demo.starts_now:
                session_start = starts_at + timedelta(minutes=60 * index + 30)
            else:
                session_start = _at(
                    starts_at.astimezone(SHANGHAI).date() + timedelta(days=day), clock
                )
            Session.objects.update_or_create(
                event=event,
                name=name,
                defaults={
                    "kind": kind,
                    "starts_at": session_start,
                    "ends_at": session_start + timedelta(minutes=minutes),
                    "updated_at": now,
                },
            )
        for position, (name, capacity, fee, early, approval, first_number) in enumerate(
            demo.classes
        ):
            EntryClass.objects.update_or_create(
                event=event,
                name=name,
                defaults={
                    "competition_class": _competition_class(
                        event, name, demo.class_presets.get(name, demo.tier)
                    ),
                    "capacity": capacity,
                    "fee": Decimal(fee),
                    "early_bird_fee": Decimal(early) if early else None,
                    "early_bird_deadline": starts_at - timedelta(days=14) if early else None,
                    "approval_required": approval,
                    "car_number_min": first_number,
                    "car_number_max": first_number + 98,
                    "position": position,
                },
            )
        # The organizer is each event's clerk of the course: in the demo they can reveal an
        # entered driver's private details (and the driver sees the reveal).
        for membership in Membership.objects.filter(
            organization=event.organization, role=Membership.Role.OWNER
        ):
            EventOfficial.objects.get_or_create(
                event=event, user_id=membership.user_id, duty=EventOfficial.Duty.CLERK
            )
        seeded.append(event)
    stdout.write(
        f"Demo events: {len(seeded)} across {len({e.province for e in seeded})} provinces.\n"
    )
    return seeded


def seed(stdout: TextIO) -> None:
    seed_events(stdout)
    results_demo.seed(stdout)
    demo_entries.seed(stdout)
    demo_deposits.seed(stdout)
    demo_karting.seed(stdout)
    demo_regularity.seed(stdout)
    demo_timed_runs.seed(stdout)
    # The registration and results work add a line here calling their own demo module
    # (for example events/demo/entries.py), so this file keeps one owner.
