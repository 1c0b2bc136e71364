"""Demo regularity rallies (`seed_demo` calls this after the demo events exist).

- West Lake Heritage Day (a month ago): a route with time controls and secret checks, every
  crew's stamps, official results and the route card published.
- Taihu Heritage Regularity (running now): the same kind of route, stamps up to where each crew
  has got by now, live standings on air, and control pages that take stamps (the organizer's
  route page links each control's page and QR code).

Stamps are simulated with a fixed seed, so the demo is the same on every run; running it again
replaces the stamps and the results instead of adding to them.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from events import hooks
from events.engine.regularity import section_ms
from events.models import Control, CrewMember, Entry, Event, Route, SessionResult, Stamp
from events.queries.regularity import sections
from events.services import regularity as services
from racing.demo.registry import ORGANIZER_EMAIL

PAST_SLUG = "demo-west-lake-heritage"
LIVE_SLUG = "demo-taihu-heritage-regularity"

# (code, kind, name, distance m, speed km/h, section s)
CONTROLS: list[tuple[str, str, str, int | None, str | None, int | None]] = [
    ("S", "start", "起点 Start", None, None, None),
    ("SC1", "secret", "", 8400, "42", None),
    ("TC1", "time_control", "茶园 Tea garden", 5600, "42", None),
    ("SC2", "secret", "", 9000, "45", None),
    ("SC3", "secret", "", 6000, "40", None),
    ("TC2", "time_control", "湖岸 Lakeside", 39750, "45", None),
    ("F", "finish", "终点 Finish", None, None, 900),
]

# (family name, given name) of driver and navigator
CREWS = [
    (("周", "建国"), ("周", "丽")),
    (("钱", "伟"), ("孙", "芳")),
    (("吴", "强"), ("郑", "敏")),
    (("王", "涛"), ("冯", "静")),
    (("陈", "刚"), ("褚", "娜")),
    (("卫", "东"), ("蒋", "燕")),
    (("沈", "磊"), ("韩", "雪")),
    (("杨", "勇"), ("朱", "琳")),
]


def _user(email: str, family: str, given: str) -> Any:
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            username=email, email=email, first_name=given, last_name=family
        )
        user.set_unusable_password()
        user.save()
    return user


def _crews(event: Event) -> None:
    entry_class = event.entry_classes.order_by("position", "pk").first()
    if entry_class is None:
        return
    for number, (driver, navigator) in enumerate(CREWS, start=1):
        entry, _ = Entry.objects.update_or_create(
            event=event,
            car_number=number,
            defaults={
                "entry_class": entry_class,
                "driver": _user(f"crew{number}@paddock.demo", *driver),
                "co_driver": _user(f"navigator{number}@paddock.demo", *navigator),
                "status": Entry.Status.CONFIRMED,
                "place_number": number,
                "fee_minor": 0,
                "currency": event.organization.currency,
                "confirmed_at": event.starts_at - timedelta(days=7),
            },
        )
        CrewMember.objects.filter(entry=entry).delete()
        for role, (family, given) in (("driver", driver), ("navigator", navigator)):
            CrewMember.objects.create(
                entry=entry,
                role=role,
                name=f"{family}{given}",
                phone=f"+86 139 0000 {number:02d}{0 if role == 'driver' else 1}0",
                emergency_name=f"{family}先生" if role == "navigator" else f"{family}女士",
                emergency_phone=f"+86 138 0000 {number:02d}{0 if role == 'driver' else 1}9",
            )


def _route(event: Event) -> Route | None:
    session = event.sessions.order_by("starts_at").first()
    if session is None:
        return None
    route = services.save_route(
        session=session,
        mode=Route.Mode.REGULARITY,
        standard_start=session.starts_at,
        interval_s=60,
    )
    for position, (code, kind, name, distance, speed, section) in enumerate(CONTROLS, start=1):
        Control.objects.update_or_create(
            route=route,
            code=code,
            defaults={
                "position": position,
                "kind": kind,
                "name": name,
                "distance_m": distance,
                "speed_kmh": Decimal(speed) if speed else None,
                "section_s": section,
            },
        )
    services.publish_route_card(route=route, published=True)
    return route


def _stamps(route: Route, *, seed: int, until: datetime | None) -> int:
    """Each crew's stamps: secret checks a few seconds off, time controls within the due minute
    (now and then a minute out); crew 6 misses SC2 and crew 8 is OTL at TC2."""
    rng = random.Random(seed)
    offsets = [0]
    for section in sections(route)[1:]:
        offsets.append(offsets[-1] + section_ms(section))
    controls = list(route.controls.order_by("position"))
    stamps = []
    for number in range(1, len(CREWS) + 1):
        skill = rng.uniform(2, 25)  # seconds a crew is typically off at a secret check
        start = route.standard_start + timedelta(minutes=number)
        for control, offset in zip(controls, offsets, strict=True):
            due = start + timedelta(milliseconds=offset)
            if control.kind == "secret":
                at = due + timedelta(seconds=rng.gauss(0, skill))
            else:
                minute = due.replace(second=0, microsecond=0)
                at = minute + timedelta(seconds=rng.uniform(1, 55))
                if rng.random() < 0.15:
                    at += timedelta(minutes=rng.choice((-1, 1)))
            if number == 6 and control.code == "SC2":
                continue
            if number == 8 and control.code == "TC2":
                at += timedelta(minutes=35)
            if until is not None and at > until:
                break
            stamps.append(
                Stamp(
                    control=control,
                    car_number=number,
                    at=at,
                    source=Stamp.Source.TAP,
                    received_at=at,
                    offset_ms=rng.randint(-900, 900),
                )
            )
    Stamp.objects.filter(control__route=route).delete()
    Stamp.objects.bulk_create(stamps)
    return len(stamps)


def seed(stdout: TextIO) -> None:
    organizer = get_user_model().objects.filter(email__iexact=ORGANIZER_EMAIL).first()
    past = Event.objects.filter(slug=PAST_SLUG).first()
    if past is not None:
        with transaction.atomic():
            _crews(past)
            route = _route(past)
            if route is not None:
                count = _stamps(route, seed=16, until=None)
                # Published afresh on every run (a second "official" would be a correction).
                SessionResult.objects.filter(session=route.session).delete()
                services.publish_regularity_results(
                    session=route.session, by=organizer, official=True
                )
                stdout.write(f"  regularity: {past.title}: {count} stamps, official results\n")
    live = Event.objects.filter(slug=LIVE_SLUG).first()
    if live is not None:
        with transaction.atomic():
            _crews(live)
            route = _route(live)
            if route is not None:
                count = _stamps(route, seed=61, until=timezone.now())
                route_id = route.pk
                # The live standings follow, as after a marshal's sync.
                transaction.on_commit(lambda: hooks.notify_stamps_changed(route_id))
                stdout.write(f"  regularity: {live.title}: {count} stamps so far, live\n")
