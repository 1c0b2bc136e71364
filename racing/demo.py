"""Demo accounts and organizations for `manage.py seed_demo`."""

from __future__ import annotations

from typing import TextIO

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from racing.models import Membership, Organization

ORGANIZER_EMAIL = "organizer@paddock.demo"
ORGANIZER_PASSWORD = "paddock-organizer-2026"  # noqa: S105 - printed demo credential
DRIVER_EMAIL = "driver@paddock.demo"
DRIVER_PASSWORD = "paddock-driver-2026"  # noqa: S105 - printed demo credential
ADMIN_EMAIL = "admin@paddock.demo"
ADMIN_PASSWORD = "paddock-admin-2026"  # noqa: S105 - printed demo credential

ORGANIZATIONS = [
    {
        "slug": "shanghai-motor-club",
        "name": "上海赛车俱乐部 Shanghai Motor Club",
        "contact_email": "contact@shanghai-motor-club.demo",
        "contact_phone": "+86 21 5555 0100",
        "time_zone": "Asia/Shanghai",
        "currency": "CNY",
    },
    {
        "slug": "pearl-river-karting",
        "name": "珠江卡丁车会 Pearl River Karting",
        "contact_email": "hello@pearl-river-karting.demo",
        "contact_phone": "+86 20 5555 0200",
        "time_zone": "Asia/Shanghai",
        "currency": "CNY",
    },
]


def demo_user(email: str, password: str, **extra: object):  # type: ignore[no-untyped-def]
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(username=email.split("@")[0], email=email, **extra)
    for key, value in extra.items():
        setattr(user, key, value)
    user.set_password(password)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(stdout: TextIO) -> None:
    organizer = demo_user(ORGANIZER_EMAIL, ORGANIZER_PASSWORD, first_name="Li", last_name="Wei")
    demo_user(DRIVER_EMAIL, DRIVER_PASSWORD, first_name="Zhang", last_name="Min")
    demo_user(ADMIN_EMAIL, ADMIN_PASSWORD, is_staff=True, is_superuser=True)
    for data in ORGANIZATIONS:
        slug = data["slug"]
        organization, _ = Organization.objects.update_or_create(
            slug=slug, defaults={k: v for k, v in data.items() if k != "slug"}
        )
        Membership.objects.update_or_create(
            organization=organization, user=organizer, defaults={"role": Membership.Role.OWNER}
        )
    stdout.write("Demo accounts (e-mail / password):\n")
    stdout.write(f"  organizer  {ORGANIZER_EMAIL} / {ORGANIZER_PASSWORD}\n")
    stdout.write(f"  driver     {DRIVER_EMAIL} / {DRIVER_PASSWORD}\n")
    stdout.write(f"  admin      {ADMIN_EMAIL} / {ADMIN_PASSWORD}  (/admin/)\n")
