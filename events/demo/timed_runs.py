"""Demo timed runs: an NEV gymkhana on today, its morning runs finished (cones, a DNF, an
off-course run; official), its afternoon runs under way. live/demo/sessions.py opens the live board
of the afternoon, and `manage.py runs_simulate --demo` keeps cars going round during `make demo`.

Idempotent: running it again replaces the runs with the same ones.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from events.engine.formats import preset_rules
from events.models import Entry, EntryClass, Event, Session, SessionFormat, SessionResult, TimedRun
from events.services.timed_runs import RunLine, publish_official, save_runs
from racing.models import Organization

SHANGHAI = ZoneInfo("Asia/Shanghai")
EVENT_SLUG = "demo-shanghai-nev-gymkhana-day"
MORNING = "上午计时赛 Morning timed runs"
AFTERNOON = "下午计时赛 Afternoon timed runs"
BEV = "纯电动 BEV"
PHEV = "插电混动 PHEV"
# (car number, family name, given name, class, typical run in ms)
CARS = [
    ("3", "林", "慧", BEV, 41_800),
    ("8", "高", "宇", BEV, 42_300),
    ("15", "何", "静", BEV, 42_900),
    ("22", "郭", "鹏", BEV, 43_400),
    ("27", "马", "丽", PHEV, 43_100),
    ("31", "罗", "斌", PHEV, 43_800),
    ("46", "梁", "欣", PHEV, 44_500),
    ("52", "宋", "涛", PHEV, 45_200),
]
# PHEVs are heavier: an index lets them score against the BEVs overall.
RULES = {**preset_rules(SessionFormat.TIMED_RUNS, "nev"), "class_index": {BEV: 1.0, PHEV: 0.97}}


def demo_run(rng: random.Random, pace_ms: int, car: str, run: int) -> RunLine:
    """One believable run: around the car's pace, sometimes a cone or two, rarely a DNF or off."""
    roll = rng.random()
    time_ms = pace_ms + rng.randint(-600, 1400)
    if roll < 0.05:
        return RunLine(car, run, None, status="dnf")
    if roll < 0.10:
        return RunLine(car, run, time_ms + 3_000, status="off")
    cones = 0 if roll < 0.6 else (1 if roll < 0.88 else 2)
    return RunLine(car, run, time_ms, cones=cones)


def _event(organization: Organization) -> tuple[Event, Session, Session]:
    now = timezone.now()
    start = timezone.localtime(now, SHANGHAI).replace(minute=0, second=0, microsecond=0)
    start -= timedelta(hours=4)
    event, _ = Event.objects.update_or_create(
        slug=EVENT_SLUG,
        defaults={
            "organization": organization,
            "title": "上海新能源金卡纳日 Shanghai NEV Gymkhana Day",
            "tier": "nev",
            "discipline": "autocross",
            "venue_name": "上海国际赛车场 停车场 Shanghai International Circuit, car park P3",
            "province": "shanghai",
            "city": "Shanghai",
            "address": "2000 Yining Road, Jiading",
            "starts_at": start,
            "ends_at": start + timedelta(hours=10),
            "status": Event.Status.PUBLISHED,
            "published_at": now - timedelta(days=30),
            "registration_opens_at": start - timedelta(days=40),
            "registration_closes_at": start - timedelta(days=2),
            "description": "金卡纳计时赛：绕桩，每碰一桩罚 2 秒。 Gymkhana timed runs: 2 s a cone.",
            "updated_at": now,
        },
    )
    sessions = []
    for name, offset, minutes in ((MORNING, 1, 120), (AFTERNOON, 4, 300)):
        session, _ = Session.objects.update_or_create(
            event=event,
            name=name,
            defaults={
                "kind": Session.Kind.OTHER,
                "format": SessionFormat.TIMED_RUNS,
                "rules": RULES,
                "starts_at": start + timedelta(hours=offset),
                "ends_at": start + timedelta(hours=offset, minutes=minutes),
                "updated_at": now,
            },
        )
        sessions.append(session)
    return event, sessions[0], sessions[1]


def _entries(event: Event) -> None:
    User = get_user_model()
    classes = {}
    for position, name in enumerate((BEV, PHEV)):
        classes[name], _ = EntryClass.objects.update_or_create(
            event=event, name=name, defaults={"capacity": 20, "fee": 300, "position": position}
        )
    for place, (number, family, given, class_name, _pace) in enumerate(CARS, start=1):
        email = f"gymkhana{number}@paddock.demo"
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(username=f"gymkhana{number}", email=email)
            user.set_unusable_password()
        user.first_name, user.last_name = given, family
        user.save()
        Entry.objects.update_or_create(
            event=event,
            driver=user,
            defaults={
                "place_number": place,
                "entry_class": classes[class_name],
                "status": Entry.Status.CONFIRMED,
                "car_number": int(number),
                "fee_minor": 30_000,
                "currency": "CNY",
            },
        )


@transaction.atomic
def seed(stdout: TextIO) -> None:
    organization = Organization.objects.filter(slug="shanghai-motor-club").first()
    if organization is None:
        return
    event, morning, afternoon = _event(organization)
    _entries(event)
    for session in (morning, afternoon):
        SessionResult.objects.filter(session=session).delete()
        TimedRun.objects.filter(session=session).delete()
    rng = random.Random(2026)
    lines = [
        demo_run(rng, pace, number, run)
        for run in range(1, RULES["runs"] + 1)
        for number, _f, _g, _c, pace in CARS
    ]
    # Whatever the dice said: one car spun off on its first run, another did not finish its second.
    forced = {("31", 1): "off", ("52", 2): "dnf"}
    lines = [
        replace(
            line,
            status=forced[(line.car_number, line.run or 0)],
            time_ms=None if forced[(line.car_number, line.run or 0)] == "dnf" else line.time_ms,
        )
        if (line.car_number, line.run or 0) in forced
        else line
        for line in lines
    ]
    save_runs(session=morning, lines=lines)
    publish_official(session=morning)
    # The afternoon has begun: everybody's first run is in.
    save_runs(
        session=afternoon,
        lines=[demo_run(rng, pace, number, 1) for number, _f, _g, _c, pace in CARS],
    )
    stdout.write(
        f"Demo timed runs: {event.title}, {len(lines)} morning runs official; afternoon under way.\n"
    )
