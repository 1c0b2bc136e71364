"""Writes to events, their schedule and entry classes.

Every change goes through here so that the event's calendar SEQUENCE and updated_at move with
it: subscribed calendars only replace their copy of an event when the SEQUENCE goes up.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events.engine.formats import RulesError, preset_rules
from events.exceptions import EventStateError
from events.models import EntryClass, Event, Session, SessionFormat
from events.services import efficiency, page_cache
from events.services.locking import lock_event
from events.services.timed_runs import rescore
from racing.engine.slugs import unique_slug
from racing.models import CompetitionClass, Organization

EDITABLE_STATUSES = {Event.Status.DRAFT, Event.Status.PUBLISHED}


def unique_event_slug(title: str, *, starts_at: datetime | None = None) -> str:
    base = slugify(title)[:80] or "event"
    if starts_at is not None and str(starts_at.year) not in base:
        base = f"{base}-{starts_at.year}"
    return unique_slug(
        base, lambda slug: Event.objects.filter(slug=slug).exists(), fallback="event"
    )


def touch_event(*, event: Event) -> None:
    """Bump the calendar SEQUENCE and updated_at of an event after any change to it."""
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(sequence=F("sequence") + 1, updated_at=now)
    page_cache.catalogue_changed()  # update() sends no signal
    event.refresh_from_db(fields=["sequence", "updated_at"])


def _require_editable(event: Event) -> None:
    if event.status not in EDITABLE_STATUSES:
        raise EventStateError(
            _("A %(status)s event can no longer be changed.")
            % {"status": event.get_status_display().lower()}
        )


def _check_sessions_fit(event: Event) -> None:
    outside = event.sessions.exclude(starts_at__gte=event.starts_at, ends_at__lte=event.ends_at)
    if outside.exists():
        names = ", ".join(s.display_name for s in outside[:3])
        raise ValidationError(
            {
                "starts_at": _(
                    "These sessions would fall outside the event: %(names)s. "
                    "Move them first, or choose dates that include them."
                )
                % {"names": names}
            }
        )


@transaction.atomic
def create_event(*, organization: Organization, slug: str = "", **fields: Any) -> Event:
    event = Event(organization=organization, **fields)
    event.slug = slug or unique_event_slug(event.title, starts_at=event.starts_at)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def update_event(*, event: Event, shift_sessions: bool = False, **fields: Any) -> Event:
    """Change an event; with `shift_sessions`, its sessions move by as much as its start does.

    Without the shift, new dates that leave a session outside the event are refused: moving
    the sessions first is impossible too (they may not fall outside the old dates).
    """
    locked = lock_event(event.pk)
    _require_editable(locked)
    old_start = locked.starts_at
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    delta = locked.starts_at - old_start
    if shift_sessions and delta:
        now = timezone.now()
        locked.sessions.update(
            starts_at=F("starts_at") + delta, ends_at=F("ends_at") + delta, updated_at=now
        )
    _check_sessions_fit(locked)
    locked.save()
    touch_event(event=locked)
    return locked


def publish_blockers(event: Event) -> list[str]:
    """Why the event cannot be published yet: drivers need a session and a class to enter."""
    reasons = []
    if not event.sessions.exists():
        reasons.append(_("Add at least one session to the schedule before publishing."))
    if not event.entry_classes.exists():
        reasons.append(
            _("Add at least one entry class before publishing: drivers enter an event by class.")
        )
    return reasons


@transaction.atomic
def publish_event(*, event: Event) -> Event:
    locked = lock_event(event.pk)
    if locked.status == Event.Status.PUBLISHED:
        return locked
    if locked.status != Event.Status.DRAFT:
        raise EventStateError(_("Only a draft event can be published."))
    locked.full_clean()
    blockers = publish_blockers(locked)
    if blockers:
        raise ValidationError(blockers)
    locked.status = Event.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at"])
    touch_event(event=locked)
    return locked


@transaction.atomic
def cancel_event(*, event: Event, reason: str) -> Event:
    locked = lock_event(event.pk)
    if locked.status == Event.Status.CANCELLED:
        return locked
    if locked.status not in EDITABLE_STATUSES:
        raise EventStateError(_("A completed event cannot be cancelled."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the cancellation.")})
    locked.status = Event.Status.CANCELLED
    locked.cancellation_reason = reason
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["status", "cancellation_reason", "cancelled_at"])
    touch_event(event=locked)
    # Entries are cancelled and refunded after commit (Stripe calls do not belong under the
    # event lock); whatever fails is resumed by `manage.py refund_cancelled_event`.
    from events.services.cancellation import refund_cancelled_event_after_commit

    refund_cancelled_event_after_commit(event_id=locked.pk)
    return locked


@transaction.atomic
def complete_event(*, event: Event) -> Event:
    locked = lock_event(event.pk)
    if locked.status == Event.Status.COMPLETED:
        return locked
    if locked.status != Event.Status.PUBLISHED:
        raise EventStateError(_("Only a published event can be completed."))
    locked.status = Event.Status.COMPLETED
    locked.save(update_fields=["status"])
    touch_event(event=locked)
    return locked


def _shift(moment: datetime | None, delta: timedelta) -> datetime | None:
    return None if moment is None else moment + delta


@transaction.atomic
def duplicate_event(*, event: Event, starts_at: datetime, title: str = "") -> Event:
    """Copy an event as a new draft starting at `starts_at`, with its schedule and classes.

    Every date moves by the same amount, so the next season's edition keeps its shape.
    The copy gets a new slug and new calendar UIDs: it is a different event.
    """
    delta = starts_at - event.starts_at
    copy = create_event(
        organization=event.organization,
        title=title or event.title,
        tier=event.tier,
        discipline=event.discipline,
        venue_name=event.venue_name,
        province=event.province,
        city=event.city,
        address=event.address,
        latitude=event.latitude,
        longitude=event.longitude,
        time_zone=event.time_zone,
        starts_at=starts_at,
        ends_at=event.ends_at + delta,
        all_day=event.all_day,
        description=event.description,
        poster=event.poster.name if event.poster else "",
        registration_opens_at=_shift(event.registration_opens_at, delta),
        registration_closes_at=_shift(event.registration_closes_at, delta),
    )
    Session.objects.bulk_create(
        Session(
            event=copy,
            kind=s.kind,
            name=s.name,
            starts_at=s.starts_at + delta,
            ends_at=s.ends_at + delta,
        )
        for s in event.sessions.all()
    )
    EntryClass.objects.bulk_create(
        EntryClass(
            event=copy,
            competition_class_id=c.competition_class_id,
            name=c.name,
            capacity=c.capacity,
            fee=c.fee,
            early_bird_fee=c.early_bird_fee,
            early_bird_deadline=_shift(c.early_bird_deadline, delta),
            approval_required=c.approval_required,
            allows_additional_entry=c.allows_additional_entry,
            damage_deposit=c.damage_deposit,
            car_number_min=c.car_number_min,
            car_number_max=c.car_number_max,
            position=c.position,
        )
        for c in event.entry_classes.all()
    )
    return copy


@transaction.atomic
def add_session(
    *,
    event: Event,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    name: str = "",
    format: str = SessionFormat.RACE,
    rules: dict[str, Any] | None = None,
) -> Session:
    """A new session; a format given without rules starts from the preset of the event's tier."""
    locked = lock_event(event.pk)
    _require_editable(locked)
    session = Session(
        event=locked,
        kind=kind,
        name=name,
        starts_at=starts_at,
        ends_at=ends_at,
        format=format,
        rules=rules or _preset(format, locked.tier),
    )
    session.full_clean()
    session.save()
    touch_event(event=locked)
    return session


@transaction.atomic
def update_session(*, session: Session, **fields: Any) -> Session:
    locked = lock_event(session.event_id)
    _require_editable(locked)
    session = Session.objects.select_for_update().get(pk=session.pk)
    session.event = locked
    before = (session.format, session.rules)
    for name, value in fields.items():
        setattr(session, name, value)
    if session.format != before[0] and (not session.rules or session.rules == before[1]):
        # A new format with the old format's rules: start from the new one's preset.
        session.rules = _preset(session.format, locked.tier)
    elif not session.rules:
        session.rules = _preset(session.format, locked.tier)
    session.updated_at = timezone.now()
    session.full_clean()
    session.save()
    if (session.format, session.rules) != before:
        rescore(session=session, reason=_("The session's rules were changed."))
        efficiency.rescore(session=session, reason=_("The session's rules were changed."))
    touch_event(event=locked)
    return session


def _preset(format: str, tier: str) -> dict[str, Any]:
    try:
        return preset_rules(format, tier)
    except (KeyError, RulesError):
        return {}


@transaction.atomic
def delete_session(*, session: Session) -> None:
    locked = lock_event(session.event_id)
    _require_editable(locked)
    # Championship rounds protect their session; say so instead of failing on the foreign key.
    if session.championship_rounds.exists():
        raise EventStateError(
            _("This session is a championship round: remove it from the championship first.")
        )
    Session.objects.filter(pk=session.pk).delete()
    touch_event(event=locked)


def _require_competition_class(entry_class: EntryClass) -> None:
    if entry_class.competition_class_id is None:
        raise ValidationError(
            {"competition_class": _("Choose the competition class whose rules apply.")}
        )


@transaction.atomic
def add_entry_class(
    *,
    event: Event,
    competition_class: CompetitionClass | None,
    capacity: int,
    fee: Decimal,
    name: str = "",
    **fields: Any,
) -> EntryClass:
    locked = lock_event(event.pk)
    _require_editable(locked)
    entry_class = EntryClass(
        event=locked,
        competition_class=competition_class,
        name=name,
        capacity=capacity,
        fee=fee,
        **fields,
    )
    entry_class.full_clean()
    _require_competition_class(entry_class)
    entry_class.save()
    touch_event(event=locked)
    return entry_class


@transaction.atomic
def update_entry_class(*, entry_class: EntryClass, **fields: Any) -> EntryClass:
    locked = lock_event(entry_class.event_id)
    _require_editable(locked)
    entry_class = EntryClass.objects.select_for_update().get(pk=entry_class.pk)
    entry_class.event = locked
    for name, value in fields.items():
        setattr(entry_class, name, value)
    entry_class.full_clean()
    _require_competition_class(entry_class)
    entry_class.save()
    touch_event(event=locked)
    return entry_class


@transaction.atomic
def delete_entry_class(*, entry_class: EntryClass) -> None:
    locked = lock_event(entry_class.event_id)
    _require_editable(locked)
    # Entries protect their class (money and history hang off them): refuse rather than fail.
    if entry_class.entries.exists():
        raise EventStateError(
            _("Drivers have entered this class: cancel their entries before removing it.")
        )
    EntryClass.objects.filter(pk=entry_class.pk).delete()
    touch_event(event=locked)
