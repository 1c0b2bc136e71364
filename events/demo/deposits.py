"""Demo damage deposits: the arrive-and-drive class of the kart night that is on today.

`seed_demo` calls this after the demo events and entries exist. The rental karts are the track's,
so the class takes a damage deposit at check-in: the demo driver's is held at the track, and
another driver's was kept in part for a cracked bumper. Everything goes through the services, as
staff would do it, so the entries, payments and deposits have their audit trail.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.utils import timezone

from events.gateways import stripe
from events.models import Deposit, Entry, EntryClass, Event
from events.services.deposits import capture_deposit, hold_deposit_at_track
from events.services.registration import mark_paid_at_track, register_entry
from racing.demo.registry import DRIVER_EMAIL, ORGANIZER_EMAIL
from racing.engine.eligibility import AgeBand, ClassRules
from racing.models import DriverProfile, IdentityDocument
from racing.queries.privacy import current_consent
from racing.services.privacy import give_consent

EVENT_SLUG = "demo-shanghai-kart-night"
CLASS_NAME = "租赁组 Rental"
DEPOSIT = Decimal("500.00")
# Arrive and drive: the karts are the track's, so no licence or vehicle of one's own is needed.
RENTAL_RULES = ClassRules(age=AgeBand(min_age=16))
OTHER_DRIVER_EMAIL = "wang.fang@paddock.demo"
DAMAGE_NOTE = "前保险杠开裂，按价目表收取更换费 Front bumper cracked: replacement at list price"
KEPT_MINOR = 18_000  # 180.00 of the 500.00


def seed(stdout: TextIO) -> None:
    User = get_user_model()
    event = Event.objects.filter(slug=EVENT_SLUG).first()
    entry_class = EntryClass.objects.filter(event=event, name=CLASS_NAME).first()
    driver = User.objects.filter(email__iexact=DRIVER_EMAIL).first()
    organizer = User.objects.filter(email__iexact=ORGANIZER_EMAIL).first()
    if event is None or entry_class is None or driver is None or organizer is None:
        return
    entry_class.damage_deposit = DEPOSIT
    entry_class.save(update_fields=["damage_deposit"])
    if entry_class.competition_class is not None:
        entry_class.competition_class.rules = RENTAL_RULES.to_dict()
        entry_class.competition_class.save(update_fields=["rules"])

    held = _entry_with_deposit(event, entry_class, driver, organizer)
    kept = _entry_with_deposit(event, entry_class, _other_driver(), organizer)
    if kept is not None and _deposit(kept).status == Deposit.Status.HELD:
        capture_deposit(
            deposit_id=_deposit(kept).pk, amount_minor=KEPT_MINOR, note=DAMAGE_NOTE, actor=organizer
        )
    if held is None or kept is None:
        stdout.write("Demo deposits: not made (online payment is configured).\n")
        return
    kept_deposit = _deposit(kept)
    stdout.write(
        f"Demo deposits on {event.title} ({entry_class.name}, {DEPOSIT} {event.organization.currency}): "
        f"{DRIVER_EMAIL}'s held at the track; 王芳 Wang Fang's settled, "
        f"{kept_deposit.captured} kept for damage. /organizer/{event.organization.slug}/events/"
        f"{event.slug}/entries/\n"
    )


def _deposit(entry: Entry) -> Deposit:
    return entry.deposits.get(status__in=Deposit.CURRENT_STATUSES)


def _entry_with_deposit(
    event: Event, entry_class: EntryClass, driver: Any, organizer: Any
) -> Entry | None:
    """The driver's confirmed, paid entry in the class with a deposit held (None if online
    payment is configured, where an entry would wait for the driver's card)."""
    entry = (
        Entry.objects.filter(event=event, driver=driver, status__in=Entry.ACTIVE_STATUSES)
        .order_by("pk")
        .first()
    )
    if entry is None:
        if stripe.stripe_enabled():
            return None
        # Entered while registration was open, a few days before the night.
        entry = register_entry(
            driver=driver,
            entry_class_id=entry_class.pk,
            event_id=event.pk,
            event_sequence=None,
            shown_fee_minor=None,
            language="zh-hans",
            now=(event.registration_closes_at or event.starts_at) - timedelta(days=3),
        )
    if entry.status != Entry.Status.CONFIRMED:
        return None
    if entry.payments.filter(status="pending", method="at_track").exists():
        mark_paid_at_track(entry_id=entry.pk, actor=organizer)
    if not entry.deposits.filter(status__in=Deposit.CURRENT_STATUSES).exists():
        hold_deposit_at_track(entry_id=entry.pk, actor=organizer)
    return entry


def _other_driver() -> Any:
    """A second driver of the kart night (no password: the demo does not sign in as her)."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=OTHER_DRIVER_EMAIL).first()
    if user is None:
        user = User(
            username=OTHER_DRIVER_EMAIL.split("@")[0],
            email=OTHER_DRIVER_EMAIL,
            first_name="Fang",
            last_name="Wang",
        )
        user.set_unusable_password()
        user.save()
    profile, _ = DriverProfile.objects.update_or_create(
        user=user,
        defaults={
            "name_zh": "王芳",
            "name_latin": "WANG Fang",
            "date_of_birth": date(timezone.localdate().year - 27, 3, 14),
            "nationality": "中国 China",
            "id_type": IdentityDocument.PASSPORT,
            "id_number": "E00000318",
            "phone": "+86 137 0000 0000",
        },
    )
    if current_consent(profile) is None:
        give_consent(profile=profile)
    return user
