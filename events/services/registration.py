"""Entering an event: places, holds, the waiting list, approval, cancellation, the day itself.

Places are taken under the event's row lock, by choosing a free place number of the class; the
unique (class, place number) constraint backs it, so even a path that skipped the lock could not
oversell. A hold or an offer that has lapsed keeps its place number only until the next writer
takes the lock, which releases it first; until then the counting queries
(`Entry.objects.holding_places`) already ignore it, so correctness never waits for a background job.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from events.engine import money
from events.exceptions import AlreadyEntered, ClassFull, NotEligible, RegistrationError
from events.models import AuditLog, Entry, EntryClass, Event, Payment, Refund, RefundPolicy
from events.queries.entries import entries_counting_now
from events.services import deposits, full_classes
from events.services.audit import audit, audit_row, change_status
from events.services.cancellation import cancel_one_entry
from events.services.locking import lock_event, share_event
from events.services.merchants import online_payment_for
from events.services.notifications import email_after_commit
from events.services.places import (
    car_number_candidates,
    car_number_claim_space,
    first_unclaimed,
    free_place_numbers,
    hold_duration,
    lock_entry_releasing_lapsed,
    offer_free_places,
    pick_car_number,
    place_claim_space,
    release_lapsed,
)
from events.services.promotions import promotion_refusals
from events.services.refunds import process_refunds_after_commit
from racing.models import DriverProfile, Vehicle
from racing.queries.drivers import staff_name
from racing.queries.privacy import consent_refusal
from racing.services.eligibility import check_driver_for_class, describe_failure

# Until an organizer sets one, entries get this policy: everything back until 14 days before the
# event, half until 3 days before, nothing after.
DEFAULT_REFUND_POLICY: list[dict[str, int]] = [
    {"days_before": 14, "percent": 100},
    {"days_before": 3, "percent": 50},
]


def refund_policy_of(event: Event) -> list[dict[str, int]]:
    """The policy an entry made now would get (shown to drivers before they enter)."""
    return _refund_policy_for(event.pk)


def _refund_policy_for(event_id: int) -> list[dict[str, int]]:
    policy = RefundPolicy.objects.filter(event_id=event_id).first()
    return policy.as_tiers() if policy is not None else DEFAULT_REFUND_POLICY


def set_refund_policy(
    *, event: Event, full_refund_days: int, partial_refund_days: int, partial_refund_percent: int
) -> RefundPolicy:
    """Set the policy for entries made from now on; existing entries keep the one they got."""
    if partial_refund_days > full_refund_days:
        raise RegistrationError(
            _("The partial refund must end on or after the full refund ends."),
            field="partial_refund_days",
        )
    if not 0 <= partial_refund_percent <= 100:
        raise RegistrationError(
            _("Give a percentage from 0 to 100."), field="partial_refund_percent"
        )
    policy, _created = RefundPolicy.objects.update_or_create(
        event=event,
        defaults={
            "full_refund_days": full_refund_days,
            "partial_refund_days": partial_refund_days,
            "partial_refund_percent": partial_refund_percent,
        },
    )
    return policy


def refund_percent(*, policy: list[dict[str, int]], event: Event, now: datetime) -> int:
    days_left = (event.local(event.starts_at).date() - event.local(now).date()).days
    for tier in sorted(policy, key=lambda t: -t["days_before"]):
        if days_left >= tier["days_before"]:
            return int(tier["percent"])
    return 0


def check_eligibility(
    *, entry_class: EntryClass, driver: Any, vehicle: Vehicle | None, event: Event
) -> None:
    """Refuse a driver who moved up out of this class, then run racing's eligibility engine for
    the class's competition rules; raise every reason at once."""
    # Promotion is decided here rather than in racing's engine: it ties an entry class (by name)
    # to championship standings, both of which live in events (see events.services.promotions).
    reasons = promotion_refusals(driver=driver, entry_class=entry_class, event=event)
    competition_class = getattr(entry_class, "competition_class", None)
    if competition_class is not None:
        profile = DriverProfile.objects.filter(user=driver).first()
        if profile is None:
            raise NotEligible(
                [*reasons, _("Complete your driver profile before entering this class.")]
            )
        failures = check_driver_for_class(
            competition_class=competition_class,
            profile=profile,
            vehicle=vehicle,
            event_date=event.local(event.starts_at).date(),
        )
        reasons.extend(describe_failure(f) for f in failures)
    if reasons:
        raise NotEligible(reasons)


def refusals_by_class(
    *, driver: Any, event: Event, entry_classes: Sequence[EntryClass]
) -> dict[int, list[str]]:
    """Why the driver cannot enter each class (empty: they can), before they submit the form.

    A class passes if the driver is eligible with no vehicle or with one from their garage; the
    reasons kept are those of the closest attempt, so they say what is really missing.
    """
    garage: list[Vehicle | None] = [None, *Vehicle.objects.filter(owner__user=driver)]
    refusals: dict[int, list[str]] = {}
    for entry_class in entry_classes:
        closest: list[str] | None = None
        for vehicle in garage:
            try:
                check_eligibility(
                    entry_class=entry_class, driver=driver, vehicle=vehicle, event=event
                )
            except NotEligible as exc:
                if closest is None or len(exc.reasons) < len(closest):
                    closest = exc.reasons
            else:
                closest = []
                break
        refusals[entry_class.pk] = closest or []
    return refusals


# --- registering --------------------------------------------------------------------------------


def _check_window(event: Event, now: datetime) -> None:
    if event.status == Event.Status.CANCELLED:
        raise RegistrationError(_("This event has been cancelled."))
    if not event.is_registration_open(now):
        raise RegistrationError(_("Registration for this event is closed."))


def _check_consent(driver: Any) -> None:
    """A driver who gave sensitive data must have consented to its use (for a rider under 14,
    their guardian). A driver without a profile gave none."""
    profile = DriverProfile.objects.filter(user=driver).first()
    refusal = consent_refusal(profile) if profile is not None else None
    if refusal:
        raise RegistrationError(refusal)


def _after_place_taken(entry: Entry, *, now: datetime, actor: Any, action: str) -> None:
    """Move an entry that has a place to its next step: approval, payment or confirmation."""
    status = _next_step(entry, now=now)
    change_status(entry, status, action=action, actor=actor)
    if status == Entry.Status.CONFIRMED:
        if entry.fee_minor:
            audit(**_payment_due_at_track(entry))
        email_after_commit(entry, "confirmation")


def _next_step(entry: Entry, *, now: datetime) -> str:
    """The status an entry with a place moves on to: approval (unless that is what it is waiting
    for now), confirmation when nothing is paid online, else a hold for payment. Sets the expiry
    and, for a confirmation, when it was confirmed; the caller writes the status."""
    if entry.entry_class.approval_required and entry.status != Entry.Status.PENDING_APPROVAL:
        entry.expires_at = None
        return Entry.Status.PENDING_APPROVAL
    if entry.fee_minor == 0 or not online_payment_for(entry):
        entry.expires_at, entry.confirmed_at = None, now
        return Entry.Status.CONFIRMED
    entry.expires_at = now + hold_duration()
    return Entry.Status.HELD


def _payment_due_at_track(entry: Entry) -> dict[str, Any]:
    """Record the fee of a confirmed entry as due at the track; returns its audit row's fields."""
    payment = Payment.objects.create(
        entry=entry,
        method=Payment.Method.AT_TRACK,
        amount_minor=entry.fee_minor,
        currency=entry.currency,
    )
    return {
        "entry": entry,
        "payment": payment,
        "action": "payment_due_at_track",
        "to_status": "pending",
    }


def _full_class() -> ClassFull:
    return ClassFull(_("This class is full. You can join its waiting list."))


def _refuse_second_entry(*, event: Event, driver: Any, entry_class: EntryClass) -> None:
    """Refuse a driver whose active entries of the event already cover this class."""
    active = Entry.objects.filter(event=event, driver=driver, status__in=Entry.ACTIVE_STATUSES)
    # One read for both rules; unordered, so it needs no join to the classes.
    covered = list(active.order_by().values_list("entry_class_id", "exclusive"))
    _refuse_if_covered(
        covered,
        entry_class_id=entry_class.pk,
        allows_additional_entry=entry_class.allows_additional_entry,
    )


def _refuse_if_covered(
    covered: list[tuple[int, bool]], *, entry_class_id: int, allows_additional_entry: bool
) -> None:
    """Refuse a driver whose entries (their classes, and whether each is exclusive) cover this
    class."""
    if any(class_id == entry_class_id for class_id, _exclusive in covered):
        raise AlreadyEntered(_("You have already entered this class."))
    if not allows_additional_entry and any(exclusive for _id, exclusive in covered):
        raise AlreadyEntered(_("You have already entered this event."))


def _refuse_second_entry_now(
    *, driver: Any, event_id: int, entry_class_id: int, allows_additional_entry: bool, now: datetime
) -> None:
    """`_refuse_second_entry` without a lock, for the driver's entries that count at `now`: on
    the waiting list, or holding a place (a hold or offer that lapsed before `now` does not,
    whether or not it was released yet). The refusals of a rush all run it."""
    covered = entries_counting_now(driver_id=driver.pk, event_id=event_id, now=now)
    _refuse_if_covered(
        covered, entry_class_id=entry_class_id, allows_additional_entry=allows_additional_entry
    )


def _class_of_event(*, entry_class_id: int, event_id: int) -> EntryClass:
    entry_class = EntryClass.objects.filter(pk=entry_class_id, event_id=event_id).first()
    if entry_class is None:
        raise RegistrationError(_("Choose one of this event's classes."), field="entry_class")
    return entry_class


def _refuse_without_lock(
    *,
    driver: Any,
    entry_class_id: int,
    event_id: int,
    join_waitlist: bool,
    now: datetime,
    marker: full_classes.Marker | None = None,
) -> None:
    """Refuse the driver before any lock for an unknown class, a second entry or a full class.
    Most of an opening rush meets a full class or is a driver's second click: refusing both
    without queueing for the lock leaves it to the few who can still get a place. A class once
    counted full is known full from the cache (`events.services.full_classes`) until a place may
    have freed, so most refusals read only the driver's entries. The reads may be a moment stale;
    that can only refuse early, never oversell: everything is checked again under the lock."""
    if marker is None:
        marker = full_classes.read(event_id=event_id, entry_class_id=entry_class_id, now=now)
    if marker.full:  # only a class of this event is ever marked
        _refuse_second_entry_now(
            driver=driver,
            event_id=event_id,
            entry_class_id=entry_class_id,
            allows_additional_entry=marker.allows_additional_entry,
            now=now,
        )
        if not join_waitlist:
            raise _full_class()
        return
    entry_class = _class_of_event(entry_class_id=entry_class_id, event_id=event_id)
    _refuse_second_entry_now(
        driver=driver,
        event_id=event_id,
        entry_class_id=entry_class.pk,
        allows_additional_entry=entry_class.allows_additional_entry,
        now=now,
    )
    if not join_waitlist and full_classes.count_full(
        entry_class, generation=marker.generation, now=now
    ):
        raise _full_class()


def raise_if_full(*, event_id: int, entry_class_id: int, join_waitlist: bool = False) -> None:
    """Raise ClassFull if the class has no place left (no lock; from the cache once a request
    found it full, else two reads): what a driver waiting for a turn at the lock checks again
    each time a turn ends."""
    if join_waitlist:
        return
    marker = full_classes.read(event_id=event_id, entry_class_id=entry_class_id)
    if marker.full:
        raise _full_class()
    entry_class = EntryClass.objects.filter(pk=entry_class_id, event_id=event_id).first()
    if entry_class is None or full_classes.count_full(
        entry_class, generation=marker.generation, now=timezone.now()
    ):
        raise _full_class()


def refusal_without_lock(
    *,
    driver: Any,
    entry_class_id: int,
    event_id: int,
    join_waitlist: bool = False,
    marker: full_classes.Marker | None = None,
) -> RegistrationError | None:
    """Why `register_entry` would refuse the driver before taking any lock (None: it would go
    on). Lets the entry page answer a refused POST of a rush without building the whole form.
    `marker`: the class's, if the caller read it already (`full_classes.marker_from`)."""
    try:
        _refuse_without_lock(
            driver=driver,
            entry_class_id=entry_class_id,
            event_id=event_id,
            join_waitlist=join_waitlist,
            now=timezone.now(),
            marker=marker,
        )
    except RegistrationError as exc:
        return exc
    return None


# Per process and per event, how many registrations may take places at once (sharing the event's
# lock, `_register_sharing_the_lock`, or queueing for the whole of it). The others wait for their
# turn here, with their pooled database connection given back, and whenever a turn ends they all
# check again, in parallel and without any lock: in a rush most of them then find the class full
# and are answered at once. As many as the requests a worker lets into Django at once
# (PADDOCK_HTTP_CONCURRENCY): places are taken side by side, so a turn no longer waits for another.
LOCK_QUEUE_PER_EVENT = 4


# A class found full by a waiter's re-check counts as full for the other waiters this long, so
# that a thousand waiters do not each ask the database; it can only refuse early (a place freed in
# that second), never oversell.
KNOWN_FULL_SECONDS = 1.0


@dataclass
class _Turns:
    taken: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)
    checking: set[int] = field(default_factory=set)  # classes a waiter is re-checking
    full_since: dict[int, float] = field(default_factory=dict)  # class -> when found full

    def known_full(self, entry_class_id: int) -> bool:
        found = self.full_since.get(entry_class_id)
        return found is not None and time.monotonic() - found < KNOWN_FULL_SECONDS


_turns: dict[int, _Turns] = {}
_turns_guard = threading.Lock()
_holding = threading.local()


@contextmanager
def turn_at_the_lock(
    event_id: int, *, entry_class_id: int, join_waitlist: bool = False
) -> Iterator[bool]:
    """Wait for one of the event's turns at its row lock (see LOCK_QUEUE_PER_EVENT); a thread that
    already holds one goes on. Yields whether it had to wait (what it read before may be stale).
    The turn ends when the block does, or as soon as the registration in it commits. Whenever a turn ends, one of the waiters for the class checks it
    again (two reads) and, if it is full, tells the others: all are refused with ClassFull at once.
    The entry page takes a turn before it builds the form, so that in a rush only the drivers
    whose turn it is spend anything on it."""
    held: dict[int, Callable[[], None]] = getattr(_holding, "turns", {})
    if event_id in held:
        yield False
        return
    with _turns_guard:
        turns = _turns.setdefault(event_id, _Turns())
    deadline = time.monotonic() + settings.PADDOCK_REGISTRATION_LOCK_TIMEOUT_MS / 1000
    waited = False
    while True:
        with turns.changed:
            if not join_waitlist and turns.known_full(entry_class_id):
                raise _full_class()
            if turns.taken < LOCK_QUEUE_PER_EVENT:
                turns.taken += 1
                break
            waited = True
            if not connection.in_atomic_block:
                connection.close()  # back to the pool while waiting; a query takes one again
            left = deadline - time.monotonic()
            if left <= 0 or not turns.changed.wait(timeout=left):
                raise RegistrationError(
                    _("Too many drivers are entering at this moment. Please try again.")
                )
            if join_waitlist or entry_class_id in turns.checking:
                continue
            turns.checking.add(entry_class_id)
        try:
            raise_if_full(event_id=event_id, entry_class_id=entry_class_id)
        except ClassFull:
            with turns.changed:
                turns.full_since[entry_class_id] = time.monotonic()
                turns.changed.notify_all()
            raise
        finally:
            with turns.changed:
                turns.checking.discard(entry_class_id)

    ended = False

    def end_turn() -> None:
        nonlocal ended
        if ended:
            return
        ended = True
        _holding.turns = held
        with turns.changed:
            turns.taken -= 1
            turns.changed.notify_all()

    _holding.turns = {**held, event_id: end_turn}
    try:
        yield waited
    finally:
        end_turn()


def _end_turn_at_commit(event_id: int) -> None:
    """The place is taken once the transaction commits: the next driver's turn starts then, not
    after what follows the commit (the mail to this driver, the redirect)."""
    end_turn = getattr(_holding, "turns", {}).get(event_id)
    if end_turn is not None:
        transaction.on_commit(end_turn)


def register_entry(
    *,
    driver: Any,
    entry_class_id: int,
    event_id: int,
    event_sequence: int | None,
    shown_fee_minor: int | None,
    vehicle: Vehicle | None = None,
    co_driver_email: str = "",
    preferred_car_number: int | None = None,
    join_waitlist: bool = False,
    language: str = "zh-hans",
    now: datetime | None = None,
    entry_class: EntryClass | None = None,
) -> Entry:
    """Take a place in a class (or a spot on its waiting list) for `driver`.

    `event_sequence` and `shown_fee_minor` are what the form showed: if the event changed since,
    or the fee is not what the driver saw, nothing is taken and the driver is asked to look again.
    `entry_class`: the class `entry_class_id` names, if the caller read it in this request (the
    entry form), so that it is not read again.
    """
    now = now or timezone.now()
    if vehicle is not None and vehicle.owner.user_id != driver.pk:
        raise RegistrationError(_("Choose a vehicle from your own garage."), field="vehicle")
    if event_id not in getattr(_holding, "turns", {}):
        # A caller that already holds a turn (the entry page) checked this when its turn came.
        _refuse_without_lock(
            driver=driver,
            entry_class_id=entry_class_id,
            event_id=event_id,
            join_waitlist=join_waitlist,
            now=now,
        )

    request = _Request(
        driver=driver,
        entry_class_id=entry_class_id,
        event_id=event_id,
        event_sequence=event_sequence,
        shown_fee_minor=shown_fee_minor,
        vehicle=vehicle,
        co_driver_email=co_driver_email,
        preferred_car_number=preferred_car_number,
        join_waitlist=join_waitlist,
        language=language,
        now=now,
        known_class=entry_class
        if entry_class is not None
        and entry_class.pk == entry_class_id
        and entry_class.event_id == event_id
        else None,
    )
    with turn_at_the_lock(event_id, entry_class_id=entry_class_id, join_waitlist=join_waitlist):
        for attempt in range(SHARED_ATTEMPTS):
            try:
                return _register_sharing_the_lock(request, first_attempt=not attempt)
            except IntegrityError:
                # A place or car number (or this driver's entry) was committed by another since
                # it was read: the insert failed and its transaction rolled back; all again.
                continue
            except _NeedsTheWholeLock:
                break
        return _register_under_lock(request)


@dataclass(frozen=True)
class _Request:
    """What a driver asked `register_entry` for."""

    driver: Any
    entry_class_id: int
    event_id: int
    event_sequence: int | None
    shown_fee_minor: int | None
    vehicle: Vehicle | None
    co_driver_email: str
    preferred_car_number: int | None
    join_waitlist: bool
    language: str
    now: datetime
    known_class: EntryClass | None = None


class _NeedsTheWholeLock(Exception):
    """The registration cannot take its place while sharing the event's lock: a hold or offer
    has lapsed, someone is on the class's waiting list, no place number is free, or the numbers
    kept being taken by the others. Its transaction is rolled back and it runs again under the
    event's lock, where all of those are handled."""


# How often a registration sharing the lock tries again when another one took its place number
# or car number first, before it queues for the whole lock instead.
SHARED_ATTEMPTS = 3


@transaction.atomic
def _register_sharing_the_lock(request: _Request, *, first_attempt: bool) -> Entry:
    """Take a free place while other registrations of the event take theirs: an opening rush's
    winners do not wait for one another. The event is locked in share mode (no organizer change,
    cancellation, payment or release of lapsed holds runs meanwhile); the place number and the
    car number are each claimed without waiting (`places.first_unclaimed`) and the entries'
    unique constraints decide: an insert that loses a number to another raises IntegrityError
    (the caller tries again, from the start). Anything else the whole lock is for raises
    _NeedsTheWholeLock."""
    _end_turn_at_commit(request.event_id)  # first: before the mail queued for after commit
    entry_class, refund_policy = _read_before_the_lock(request)
    event = share_event(request.event_id, timeout_ms=settings.PADDOCK_REGISTRATION_LOCK_TIMEOUT_MS)
    entry_class.event = event
    fee, fee_minor = _check_against_the_event(request, event, entry_class)
    if not first_attempt:
        # The first attempt relies on the check made without a lock moments before
        # (`_refuse_without_lock`): a second click racing this one fails the insert on the
        # one-active-entry constraints, and is told here.
        _refuse_second_entry(event=event, driver=request.driver, entry_class=entry_class)
    numbers = _numbers_in_use(event=event, entry_class=entry_class, now=request.now)
    if numbers is None:
        raise _NeedsTheWholeLock
    taken_places, used_cars = numbers
    place = first_unclaimed(
        free_place_numbers(entry_class=entry_class, taken=taken_places),
        space=place_claim_space(entry_class),
    )
    cars = car_number_candidates(
        entry_class=entry_class, preferred=request.preferred_car_number, used=used_cars
    )
    car = first_unclaimed(cars, space=car_number_claim_space(entry_class))
    if place is None or (cars and car is None):
        raise _NeedsTheWholeLock
    entry = _new_entry(request, event, entry_class, fee, fee_minor, refund_policy)
    entry.place_number, entry.car_number = place, car
    entry.status = _next_step(entry, now=request.now)
    entry.save(force_insert=True)
    return _place_taken(request, entry)


def _numbers_in_use(
    *, event: Event, entry_class: EntryClass, now: datetime
) -> tuple[set[int], set[int]] | None:
    """The class's place numbers held and the event's car numbers given, in one read; None if the
    event has a lapsed hold or offer to release, or the class a waiting list that a free place
    must be offered to first (the whole lock's work)."""
    rows = (
        Entry.objects.filter(
            Q(place_number__isnull=False)
            | Q(car_number__isnull=False)
            | Q(entry_class=entry_class, status=Entry.Status.WAITLISTED),
            event=event,
        )
        .order_by()
        .values_list("entry_class_id", "place_number", "car_number", "status", "expires_at")
    )
    places: set[int] = set()
    cars: set[int] = set()
    for class_id, place, car, status, expires_at in rows:
        if status == Entry.Status.WAITLISTED and class_id == entry_class.pk:
            return None
        if status in Entry.EXPIRING_STATUSES and expires_at is not None and expires_at <= now:
            return None
        if place is not None and class_id == entry_class.pk:
            places.add(place)
        if car is not None:
            cars.add(car)
    return places, cars


def _read_before_the_lock(request: _Request) -> tuple[EntryClass, list[dict[str, int]]]:
    """The class, then what is read before the lock to hold it for less time: the driver's own
    consent, and the refund policy (its changes apply to entries made from then on)."""
    entry_class = request.known_class or _class_of_event(
        entry_class_id=request.entry_class_id, event_id=request.event_id
    )
    _check_consent(request.driver)
    return entry_class, _refund_policy_for(request.event_id)


def _check_against_the_event(
    request: _Request, event: Event, entry_class: EntryClass
) -> tuple[Any, int]:
    """Refuse what the locked event does not allow: a closed window, an ineligible driver, an
    event changed or a fee other than the form showed. Returns the fee, and in minor units."""
    _check_window(event, request.now)
    check_eligibility(
        entry_class=entry_class, driver=request.driver, vehicle=request.vehicle, event=event
    )
    if request.event_sequence is not None and request.event_sequence != event.sequence:
        raise RegistrationError(
            _("The event was changed while you were filling in the form. Please check it again.")
        )
    fee = entry_class.fee_at(request.now)
    fee_minor = money.to_minor_units(fee, event.organization.currency)
    if request.shown_fee_minor is not None and request.shown_fee_minor != fee_minor:
        raise RegistrationError(
            _(
                "The fee is now %(fee)s %(currency)s, not what the form showed. Please confirm again."
            )
            % {"fee": fee, "currency": event.organization.currency},
            field="entry_class",
        )
    return fee, fee_minor


def _new_entry(
    request: _Request,
    event: Event,
    entry_class: EntryClass,
    fee: Any,
    fee_minor: int,
    refund_policy: list[dict[str, int]],
) -> Entry:
    vehicle = request.vehicle
    return Entry(
        event=event,
        entry_class=entry_class,
        exclusive=not entry_class.allows_additional_entry,
        driver=request.driver,
        vehicle=vehicle,
        vehicle_description=str(vehicle) if vehicle is not None else "",
        co_driver_email=request.co_driver_email.strip().lower(),
        preferred_car_number=request.preferred_car_number,
        fee_minor=fee_minor,
        currency=event.organization.currency,
        early_bird=fee != entry_class.fee,
        refund_policy=refund_policy,
        language=request.language,
        created_at=request.now,
    )


def _place_taken(request: _Request, entry: Entry) -> Entry:
    """The new entry holds its place, written with its next step (`_next_step`): its audit
    rows, as a place held and then moved on, in one statement; the payment due at the track; the
    mails after commit."""
    actor = request.driver
    rows = [
        audit_row(entry=entry, action="place_taken", to_status=Entry.Status.HELD, actor=actor),
        audit_row(
            entry=entry,
            action="registered",
            from_status=Entry.Status.HELD,
            to_status=entry.status,
            actor=actor,
        ),
    ]
    if entry.status == Entry.Status.CONFIRMED:
        if entry.fee_minor:
            rows.append(audit_row(**_payment_due_at_track(entry)))
        email_after_commit(entry, "confirmation")
    AuditLog.objects.bulk_create(rows)
    if entry.co_driver_email:
        email_after_commit(entry, "co_driver", to_co_driver=True)
    return entry


@transaction.atomic
def _register_under_lock(request: _Request) -> Entry:
    """Register under the event's whole lock: lapsed holds and offers released first, the waiting
    list offered any free place before a newcomer, or the driver put on it when the class is full."""
    _end_turn_at_commit(request.event_id)  # first: before the mail queued for after commit
    # The second entry and the places are checked again under the lock, below.
    entry_class, refund_policy = _read_before_the_lock(request)
    event = lock_event(request.event_id, timeout_ms=settings.PADDOCK_REGISTRATION_LOCK_TIMEOUT_MS)
    entry_class.event = event
    fee, fee_minor = _check_against_the_event(request, event, entry_class)
    now = request.now
    release_lapsed(event=event, now=now)
    _refuse_second_entry(event=event, driver=request.driver, entry_class=entry_class)
    entry = _new_entry(request, event, entry_class, fee, fee_minor, refund_policy)
    free = free_place_numbers(entry_class=entry_class)
    waiting = Entry.objects.filter(entry_class=entry_class, status=Entry.Status.WAITLISTED)
    if free and waiting.exists():
        # Places appeared without a lapse (the organizer raised the capacity): the queue first.
        offer_free_places(event=event, now=now)
        free = free_place_numbers(entry_class=entry_class)
    if not free:
        if not request.join_waitlist:
            raise _full_class()
        entry.status = Entry.Status.WAITLISTED
        entry.waitlisted_at = now
        entry.save()
        audit(entry=entry, action="waitlisted", to_status=entry.status, actor=request.driver)
        return entry

    entry.place_number = free[0]
    entry.car_number = pick_car_number(
        entry_class=entry_class, preferred=request.preferred_car_number
    )
    entry.status = _next_step(entry, now=now)
    entry.save()
    return _place_taken(request, entry)


@transaction.atomic
def accept_offer(*, entry_id: int, driver: Any, now: datetime | None = None) -> Entry:
    now = now or timezone.now()
    _event, entry = lock_entry_releasing_lapsed(entry_id, now=now)
    if entry.driver_id != driver.pk:
        raise RegistrationError(_("This is not your entry."))
    if entry.status != Entry.Status.OFFERED:
        raise RegistrationError(_("This offer is no longer open."))
    _after_place_taken(entry, now=now, actor=driver, action="offer_accepted")
    return entry


@transaction.atomic
def confirm_co_driver(*, token: str, user: Any, now: datetime | None = None) -> Entry:
    now = now or timezone.now()
    entry = Entry.objects.filter(co_driver_token=token).first()
    if entry is None or not entry.co_driver_email:
        raise RegistrationError(_("This invitation link is not valid."))
    _event, entry = lock_entry_releasing_lapsed(entry.pk, now=now)
    if user.email.lower() != entry.co_driver_email:
        raise RegistrationError(
            _("This invitation was sent to %(email)s. Sign in with that address to confirm.")
            % {"email": entry.co_driver_email}
        )
    if entry.status not in Entry.ACTIVE_STATUSES:
        raise RegistrationError(_("This entry is no longer active."))
    if entry.co_driver_confirmed_at is None:
        entry.co_driver = user
        entry.co_driver_confirmed_at = now
        entry.save(update_fields=["co_driver", "co_driver_confirmed_at"])
        audit(entry=entry, action="co_driver_confirmed", actor=user, detail=user.email)
    return entry


def _refund_rows(entry: Entry, *, percent: int, reason: str) -> list[Refund]:
    refunds = []
    for payment in entry.payments.select_for_update().filter(status=Payment.Status.SUCCEEDED):
        amount = (payment.refundable_minor * percent) // 100
        if amount <= 0:
            continue
        refund = Refund.objects.create(payment=payment, amount_minor=amount, reason=reason)
        audit(
            entry=entry,
            payment=payment,
            action="refund_requested",
            to_status=refund.status,
            detail=f"{amount} {payment.currency} ({percent}%)",
        )
        refunds.append(refund)
    return refunds


@transaction.atomic
def cancel_entry(
    *,
    entry_id: int,
    actor: Any,
    by_staff: bool = False,
    reason: str = "",
    now: datetime | None = None,
) -> Entry:
    """Cancel an entry. The driver gets what the entry's refund policy promises for today;
    an entry cancelled by the organizer is refunded in full."""
    now = now or timezone.now()
    event, entry = lock_entry_releasing_lapsed(entry_id, now=now)
    if not by_staff and entry.driver_id != actor.pk:
        raise RegistrationError(_("This is not your entry."))
    if entry.status not in Entry.ACTIVE_STATUSES:
        raise RegistrationError(_("This entry is not active, so it cannot be cancelled."))
    percent = 100 if by_staff else refund_percent(policy=entry.refund_policy, event=event, now=now)
    deposit = cancel_one_entry(
        entry,
        action="cancelled_by_staff" if by_staff else "cancelled_by_driver",
        actor=actor,
        reason=reason,
        detail=reason,
        now=now,
    )
    refunds = _refund_rows(
        entry,
        percent=percent,
        reason=Refund.Reason.STAFF_CANCELLED if by_staff else Refund.Reason.DRIVER_CANCELLED,
    )
    refund_total = sum(r.amount_minor for r in refunds)
    email_after_commit(
        entry,
        "cancellation",
        refund=money.from_minor_units(refund_total, entry.currency) if refund_total else None,
        by_staff=by_staff,
        **deposit.email_context(),
    )
    process_refunds_after_commit([r.pk for r in refunds])
    if deposit.releasing_id is not None:
        deposits.release_at_stripe_after_commit([deposit.releasing_id])
    offer_free_places(event=event, now=now)
    return entry


# --- staff --------------------------------------------------------------------------------------


@transaction.atomic
def approve_entry(*, entry_id: int, actor: Any, now: datetime | None = None) -> Entry:
    now = now or timezone.now()
    _event, entry = lock_entry_releasing_lapsed(entry_id, now=now)
    if entry.status != Entry.Status.PENDING_APPROVAL:
        raise RegistrationError(_("Only an entry awaiting approval can be approved."))
    # Past the approval step: pay (with a fresh hold) or be confirmed.
    if entry.fee_minor and online_payment_for(entry):
        entry.expires_at = now + hold_duration()
        change_status(entry, Entry.Status.HELD, action="approved", actor=actor)
        email_after_commit(entry, "approved")
    else:
        entry.entry_class.approval_required = False  # in memory only: skip the approval step
        _after_place_taken(entry, now=now, actor=actor, action="approved")
    return entry


@transaction.atomic
def reject_entry(
    *, entry_id: int, actor: Any, reason: str = "", now: datetime | None = None
) -> Entry:
    now = now or timezone.now()
    event, entry = lock_entry_releasing_lapsed(entry_id, now=now)
    if entry.status not in (Entry.Status.PENDING_APPROVAL, Entry.Status.WAITLISTED):
        raise RegistrationError(_("Only an entry awaiting approval can be rejected."))
    entry.place_number = None
    entry.car_number = None
    change_status(entry, Entry.Status.REJECTED, action="rejected", actor=actor, detail=reason)
    email_after_commit(entry, "rejected", reason=reason)
    offer_free_places(event=event, now=now)
    return entry


@transaction.atomic
def update_entry_day(
    *,
    entry_id: int,
    actor: Any,
    checked_in: bool | None = None,
    scrutineering: str | None = None,
    scrutineering_notes: str | None = None,
    transponder: str | None = None,
    car_number: int | None = None,
    now: datetime | None = None,
) -> Entry:
    """Check-in, scrutineering, transponder and car number, each change audited."""
    now = now or timezone.now()
    event, entry = lock_entry_releasing_lapsed(entry_id, now=now)
    if entry.status != Entry.Status.CONFIRMED:
        raise RegistrationError(_("Only a confirmed entry can be checked in or scrutineered."))
    if checked_in is not None and checked_in != (entry.checked_in_at is not None):
        entry.checked_in_at = now if checked_in else None
        entry.save(update_fields=["checked_in_at"])
        audit(entry=entry, action="checked_in" if checked_in else "check_in_undone", actor=actor)
    if scrutineering is not None and (
        scrutineering != entry.scrutineering
        or (scrutineering_notes or "") != entry.scrutineering_notes
    ):
        if scrutineering not in Entry.Scrutineering.values:
            raise RegistrationError(_("Unknown scrutineering result."), field="scrutineering")
        previous = entry.scrutineering
        entry.scrutineering = scrutineering
        entry.scrutineering_notes = scrutineering_notes or ""
        entry.scrutineered_at = now
        entry.save(update_fields=["scrutineering", "scrutineering_notes", "scrutineered_at"])
        audit(
            entry=entry,
            action="scrutineering",
            from_status=previous,
            to_status=scrutineering,
            actor=actor,
            detail=entry.scrutineering_notes,
        )
    if transponder is not None and transponder.strip() != entry.transponder:
        detail = f"{entry.transponder or '-'} → {transponder.strip() or '-'}"
        entry.transponder = transponder.strip()
        entry.save(update_fields=["transponder"])
        audit(entry=entry, action="transponder", actor=actor, detail=detail)
    if car_number is not None and car_number != entry.car_number:
        if Entry.objects.filter(event=event, car_number=car_number).exclude(pk=entry.pk).exists():
            raise RegistrationError(
                _("Car number %(number)s is already taken in this event.") % {"number": car_number},
                field="car_number",
            )
        detail = f"{entry.car_number or '-'} → {car_number}"
        entry.car_number = car_number
        entry.save(update_fields=["car_number"])
        audit(entry=entry, action="car_number", actor=actor, detail=detail)
    return entry


@dataclass(frozen=True)
class CheckInSummary:
    checked_in: int
    refused: list[str]  # one sentence per entry that could not be checked in


def check_in_entries(*, event_id: int, entry_ids: list[int], actor: Any) -> CheckInSummary:
    """Check in several entries of one event at once (the sign-on desk's queue).

    Each entry is checked in in its own transaction, so one refused entry (cancelled meanwhile)
    does not undo the others. Ids of other events' entries are ignored.
    """
    checked_in, refused = 0, []
    entries = Entry.objects.filter(event_id=event_id, pk__in=entry_ids).select_related("driver")
    for entry in entries.order_by("car_number", "pk"):
        if entry.checked_in_at is not None:
            continue
        try:
            update_entry_day(entry_id=entry.pk, actor=actor, checked_in=True)
        except RegistrationError as exc:
            label = entry.car_number or staff_name(entry.driver)
            refused.append(f"{label}: {exc}")
        else:
            checked_in += 1
    return CheckInSummary(checked_in=checked_in, refused=refused)


@transaction.atomic
def mark_paid_at_track(*, entry_id: int, actor: Any, now: datetime | None = None) -> Payment:
    now = now or timezone.now()
    _event, entry = lock_entry_releasing_lapsed(entry_id, now=now)
    payment = (
        entry.payments.select_for_update()
        .filter(method=Payment.Method.AT_TRACK, status=Payment.Status.PENDING)
        .first()
    )
    if payment is None:
        raise RegistrationError(_("This entry has no payment due at the track."))
    payment.status = Payment.Status.SUCCEEDED
    payment.paid_at = now
    payment.marked_paid_by = actor
    payment.save(update_fields=["status", "paid_at", "marked_paid_by"])
    audit(
        entry=entry,
        payment=payment,
        action="paid_at_track",
        from_status=Payment.Status.PENDING,
        to_status=payment.status,
        actor=actor,
    )
    email_after_commit(entry, "receipt")
    return payment
