"""Demo accounts and organizations for `manage.py seed_demo`."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TextIO

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from config.crypto import lookup_hash
from racing.engine.eligibility import AgeBand, ClassRules, LicenceKind, LicenceRequirement
from racing.engine.presets import PRESETS, tier_discipline
from racing.models import (
    CompetitionClass,
    DriverProfile,
    IdentityDocument,
    Licence,
    LicenceGrade,
    LicenceIssuer,
    Membership,
    Organization,
    Vehicle,
)
from racing.queries.privacy import current_consent
from racing.services.licences import ensure_starting_issuers
from racing.services.privacy import give_consent

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
    driver = demo_user(DRIVER_EMAIL, DRIVER_PASSWORD, first_name="Zhang", last_name="Min")
    demo_user(ADMIN_EMAIL, ADMIN_PASSWORD, is_staff=True, is_superuser=True)
    for data in ORGANIZATIONS:
        slug = data["slug"]
        organization, _ = Organization.objects.update_or_create(
            slug=slug, defaults={k: v for k, v in data.items() if k != "slug"}
        )
        Membership.objects.update_or_create(
            organization=organization, user=organizer, defaults={"role": Membership.Role.OWNER}
        )
    ensure_starting_issuers()
    seed_driver(driver)
    for data in ORGANIZATIONS:
        seed_classes(Organization.objects.get(slug=data["slug"]))
    ruled = seed_rule_classes()
    stdout.write(
        f"Demo licences for {DRIVER_EMAIL}: one issued on the spot ({ON_THE_SPOT_NUMBER}), "
        f"team licence {TEAM_LICENCE_NUMBER} ({TEAM_NAME}) on /driver/licences/.\n"
    )
    stdout.write(
        "Demo classes with the new rules: "
        + ", ".join(f"{c.name} (/organizer/{c.organization.slug}/classes/)" for c in ruled)
        + ".\n"
    )


DEMO_CLASSES = {
    "shanghai-motor-club": [
        ("national", "全国房车锦标赛 National Touring", "national-touring"),
        ("local_heritage", "海派经典车巡游 Shanghai Heritage Rally", "heritage-rally"),
        ("nev", "新能源绕桩赛 NEV Gymkhana", "nev-gymkhana"),
        ("karting_youth", "青少年卡丁车 Junior Karting", "junior-karting"),
    ],
    "pearl-river-karting": [
        ("karting_youth", "少年组 Junior (12-14)", "junior"),
        ("national", "卡丁车公开组 Senior Open", "senior-open"),
        ("local_heritage", "岭南经典车巡游 Lingnan Classic Tour", "lingnan-classic"),
        ("nev", "电动卡丁车 E-Kart", "e-kart"),
    ],
}


# The demo driver's newer licences: a karting licence issued at an event's desk, and the licence of
# the team that car 7 of the demo results races for.
ON_THE_SPOT_NUMBER = "CAMF-K-S0318"
TEAM_LICENCE_NUMBER = "CAMF-T-0077"
TEAM_NAME = "赤龙车队 Red Dragon"

# Classes whose rules show what the licence rules can say (slug, organization, name, tier, rules).
RULE_CLASSES = [
    (
        "pearl-river-karting",
        "rookie-karting",
        "新秀组 Rookie Karting",
        "karting",
        ClassRules(
            licences=(LicenceRequirement("CAMF", "karting"),),
            age=AgeBand(min_age=16),
            rookie_class=True,
            # Licences issued on the spot: rookie classes only, for the holder's first 3 events.
            on_the_spot_max_events=3,
        ),
    ),
    (
        "shanghai-motor-club",
        "team-endurance",
        "车队耐力组 Team Endurance",
        "national",
        ClassRules(
            licences=PRESETS["national"].rules.licences,
            temporary_licence_allowed=False,
            medical_required=True,
            age=AgeBand(min_age=18),
            on_the_spot_max_events=3,
            team_licence_required=True,
        ),
    ),
]


def seed_rule_classes() -> list[CompetitionClass]:
    seeded = []
    for org_slug, slug, name, tier, rules in RULE_CLASSES:
        organization = Organization.objects.get(slug=org_slug)
        competition_class, _ = CompetitionClass.objects.update_or_create(
            organization=organization,
            slug=slug,
            defaults={
                "name": name,
                "tier": tier,
                "discipline": tier_discipline(tier),
                "rules": rules.to_dict(),
            },
        )
        seeded.append(competition_class)
    return seeded


def seed_driver(user: Any) -> DriverProfile:
    """The demo driver: a complete profile, a current CAMF licence, a karting licence issued on
    the spot, a team licence and a car."""
    today = timezone.localdate()
    profile, _ = DriverProfile.objects.update_or_create(
        user=user,
        defaults={
            "name_zh": "张敏",
            "name_latin": "ZHANG Min",
            "date_of_birth": date(1994, 8, 18),
            "nationality": "中国 China",
            "id_type": IdentityDocument.RESIDENT_ID,
            "id_number": "11010519491231002X",
            "phone": "+86 138 0000 0000",
            "weight_kg": Decimal("68.0"),
            "road_licence_since": date(2013, 9, 1),
            "blood_type": "O",
        },
    )
    if current_consent(profile) is None:
        give_consent(profile=profile)
    profile.emergency_contacts.all().delete()
    profile.emergency_contacts.create(
        name="李华 LI Hua", relationship="配偶", phone="+86 139 0000 0000"
    )
    camf = LicenceIssuer.objects.get(code="CAMF")
    # Twelve months around today rather than this calendar year: the demo events run from two
    # months back to four ahead, and in December a calendar-year licence would expire before
    # the next ones.
    valid_from = today - timedelta(days=180)
    valid_to = valid_from + timedelta(days=364)
    Licence.objects.update_or_create(
        profile=profile,
        issuer=camf,
        kind=LicenceKind.COMPETITION,
        discipline="circuit",
        issued_on_the_spot=False,
        defaults={
            "number": f"CAMF-{valid_from.year}-018842",
            "grade": LicenceGrade.objects.get(issuer=camf, code="B"),
            "valid_from": valid_from,
            "valid_to": valid_to,
            "medical_valid_to": valid_to,
        },
    )
    Licence.objects.update_or_create(
        profile=profile,
        issuer=camf,
        # The number is encrypted (a new token each save): it is matched through its hash.
        number_hash=lookup_hash(ON_THE_SPOT_NUMBER),
        defaults={
            "number": ON_THE_SPOT_NUMBER,
            "discipline": "karting",
            "grade": LicenceGrade.objects.get(issuer=camf, code="C"),
            "valid_from": valid_from,
            "valid_to": valid_to,
            "issued_on_the_spot": True,
        },
    )
    Licence.objects.update_or_create(
        profile=profile,
        issuer=camf,
        # The number is encrypted (a new token each save): it is matched through its hash.
        number_hash=lookup_hash(TEAM_LICENCE_NUMBER),
        defaults={
            "number": TEAM_LICENCE_NUMBER,
            "kind": LicenceKind.TEAM,
            "team_name": TEAM_NAME,
            "discipline": "circuit",
            "grade": None,
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
    )
    Vehicle.objects.update_or_create(
        owner=profile,
        make="Honda",
        model="Civic Type R",
        defaults={
            "year": 2019,
            "powertrain": "ice",
            "displacement_cc": 1996,
            "power_kw": Decimal("228"),
            "plate": "沪A·D8842",
            "vin": "SHHFK8G70KU000042",
        },
    )
    return profile


def seed_classes(organization: Organization) -> None:
    for template, name, slug in DEMO_CLASSES.get(organization.slug, []):
        preset = PRESETS[template]
        CompetitionClass.objects.update_or_create(
            organization=organization,
            slug=slug,
            defaults={
                "name": name,
                "tier": preset.tier,
                "discipline": preset.discipline,
                "rules": preset.rules.to_dict(),
            },
        )


def summary() -> list[str]:
    """The accounts to sign in with: printed last by seed_demo, where they stay on screen."""
    return [
        "Demo accounts (e-mail / password):",
        f"  organizer  {ORGANIZER_EMAIL} / {ORGANIZER_PASSWORD}",
        f"  driver     {DRIVER_EMAIL} / {DRIVER_PASSWORD}",
        f"  admin      {ADMIN_EMAIL} / {ADMIN_PASSWORD}  (/admin/)",
    ]
