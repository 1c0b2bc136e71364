"""Which staff may see a driver's private data, from the driver's entries (see
racing.queries.privacy for the rule); and when each event's private data is deleted."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from events.models import Entry, Event, EventOfficial
from racing.models import DriverProfile, Membership, Organization, SensitiveDataConsent
from racing.queries.privacy import CONTACTS, IDENTITY, MEDICAL, PARTS

# The entries that give staff access: a place held, asked for or waited for. Cancelled,
# rejected and expired entries give none.
ACTIVE_STATUSES = (
    Entry.Status.HELD,
    Entry.Status.PENDING_APPROVAL,
    Entry.Status.CONFIRMED,
    Entry.Status.WAITLISTED,
    Entry.Status.OFFERED,
)


def access_ends_at(event: Event, organization: Organization) -> datetime:
    return event.ends_at + timedelta(days=organization.private_data_days)


# What each duty may reveal: the scrutineer checks identity and licences, the medical officer
# treats, both may need to call someone; the clerk of the course answers for all of it.
DUTY_PARTS: dict[str, frozenset[str]] = {
    EventOfficial.Duty.SCRUTINEER: frozenset({IDENTITY, CONTACTS}),
    EventOfficial.Duty.MEDICAL_OFFICER: frozenset({MEDICAL, CONTACTS}),
    EventOfficial.Duty.CLERK: PARTS,
}


def private_data_access(
    viewer: Any, profile: DriverProfile, organization_id: int
) -> tuple[bool, frozenset[str]]:
    membership = (
        Membership.objects.select_related("organization")
        .filter(user=viewer, organization_id=organization_id)
        .first()
    )
    if membership is None:
        return False, frozenset()
    entries = Entry.objects.filter(
        driver_id=profile.user_id,
        event__organization_id=organization_id,
        status__in=ACTIVE_STATUSES,
    ).select_related("event")
    now = timezone.now()
    live = [e for e in entries if now <= access_ends_at(e.event, membership.organization)]
    if not live:
        return False, frozenset()
    duties: dict[int, set[str]] = {}
    for event_id, duty in EventOfficial.objects.filter(
        user=viewer, event_id__in={e.event_id for e in live}
    ).values_list("event_id", "duty"):
        duties.setdefault(event_id, set()).add(duty)
    see = False
    parts: set[str] = set()
    for entry in live:
        mine = duties.get(entry.event_id, set())
        # Staff who joined after the driver entered see only the events they work on.
        if membership.created_at > entry.created_at and not mine:
            continue
        see = True
        for duty in mine:
            parts |= DUTY_PARTS.get(duty, frozenset())
    return see, frozenset(parts)


def officials_of(event: Event) -> QuerySet[EventOfficial]:
    return EventOfficial.objects.filter(event=event).select_related("user__driver_profile")


def retention_schedule(organization: Organization) -> list[tuple[Event, datetime, int]]:
    """Each of the organization's events whose drivers' private data is still held: when staff
    access ends and medical data and scans are deleted, and how many drivers it concerns."""
    now = timezone.now()
    cutoff = now - timedelta(days=organization.private_data_days)
    events = Event.objects.filter(organization=organization, ends_at__gte=cutoff).order_by(
        "ends_at"
    )
    rows = []
    for event in events:
        drivers = (
            Entry.objects.filter(event=event, status__in=ACTIVE_STATUSES)
            .values("driver_id")
            .distinct()
            .count()
        )
        rows.append((event, access_ends_at(event, organization), drivers))
    return rows


def profiles_due_for_purge(now: datetime | None = None) -> tuple[list[int], list[int]]:
    """(profiles whose medical data and scans are past retention, profiles who withdrew consent).

    Retention: every event the driver entered (any status) ended more than its organization's
    `private_data_days` ago. A driver who never entered keeps their own data.
    """
    now = now or timezone.now()
    latest_end: dict[int, datetime] = {}
    rows = Entry.objects.values_list(
        "driver__driver_profile", "event__ends_at", "event__organization__private_data_days"
    )
    for profile_id, ends_at, days in rows:
        if profile_id is None:
            continue
        until = ends_at + timedelta(days=days)
        if profile_id not in latest_end or until > latest_end[profile_id]:
            latest_end[profile_id] = until
    expired = sorted(pk for pk, until in latest_end.items() if until < now)
    latest = SensitiveDataConsent.objects.filter(profile=OuterRef("pk")).order_by(
        "-given_at", "-pk"
    )
    withdrawn = list(
        DriverProfile.objects.annotate(withdrawn_at=Subquery(latest.values("withdrawn_at")[:1]))
        .filter(withdrawn_at__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return expired, withdrawn
