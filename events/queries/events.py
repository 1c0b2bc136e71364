"""Reads for the public pages, the organizer pages, the feeds and the API, joins included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from events.models import Entry, EntryClass, Event, Session
from events.models.entries import holds_place_q
from racing.queries.drivers import public_name
from racing.queries.organizations import get_organization_for_staff

if TYPE_CHECKING:
    from racing.models import Organization

PUBLIC_STATUSES = [Event.Status.PUBLISHED, Event.Status.COMPLETED, Event.Status.CANCELLED]
WHEN_UPCOMING, WHEN_PAST, WHEN_ALL = "upcoming", "past", "all"


@dataclass(frozen=True)
class EventFilters:
    """The filters of the public list page and of the API, already validated."""

    q: str = ""
    tier: str = ""
    discipline: str = ""
    province: str = ""
    city: str = ""
    month: date | None = None  # any day of the month; only year and month count
    registration_open: bool = False
    when: str = ""  # upcoming (default without a month), past, or all

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> EventFilters:
        known = {name: data[name] for name in cls.__dataclass_fields__ if data.get(name)}
        return cls(**known)


def _enterable() -> Q:
    """The event has a session and an entry class: without both there is nothing to enter."""
    return Q(Exists(Session.objects.filter(event=OuterRef("pk")))) & Q(
        Exists(EntryClass.objects.filter(event=OuterRef("pk")))
    )


def with_enterable(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate whether each event has something to enter (read by Event.has_something_to_enter)."""
    return queryset.annotate(enterable=ExpressionWrapper(_enterable(), output_field=BooleanField()))


def public_events() -> QuerySet[Event]:
    return with_enterable(
        Event.objects.filter(status__in=PUBLIC_STATUSES).select_related("organization")
    )


def places_taken_expression(now: datetime | None = None) -> Expression:
    """An expression to annotate EntryClass rows with the number of places taken."""
    taken = (
        Entry.objects.holding_places(now)
        .filter(entry_class=OuterRef("pk"))
        .order_by()
        .values("entry_class")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(taken, output_field=IntegerField()), Value(0))


def with_places_taken(queryset: QuerySet[EntryClass]) -> QuerySet[EntryClass]:
    return queryset.annotate(places_taken=places_taken_expression())


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month as a UTC range, by the calendar of the site's zone (where the events are)."""
    zone = timezone.get_default_timezone()
    start = datetime.combine(month.replace(day=1), time.min, tzinfo=zone)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return start, datetime.combine(following, time.min, tzinfo=zone)


def filter_events(
    queryset: QuerySet[Event], filters: EventFilters, *, now: datetime | None = None
) -> QuerySet[Event]:
    now = now or timezone.now()
    if filters.q:
        words = filters.q.split()[:5]
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(venue_name__icontains=word)
                | Q(city__icontains=word)
                | Q(organization__name__icontains=word)
            )
    if filters.tier:
        queryset = queryset.filter(tier=filters.tier)
    if filters.discipline:
        queryset = queryset.filter(discipline=filters.discipline)
    if filters.province:
        queryset = queryset.filter(province=filters.province)
    if filters.city:
        queryset = queryset.filter(city__iexact=filters.city.strip())
    if filters.month:
        start, end = _month_bounds(filters.month)
        queryset = queryset.filter(starts_at__lt=end, ends_at__gte=start)
    if filters.registration_open:
        queryset = queryset.filter(
            status=Event.Status.PUBLISHED,
            registration_opens_at__lte=now,
            registration_closes_at__gt=now,
        ).filter(_enterable())
    when = filters.when or (WHEN_ALL if filters.month else WHEN_UPCOMING)
    if when == WHEN_UPCOMING:
        return queryset.filter(ends_at__gte=now).order_by("starts_at", "pk")
    if when == WHEN_PAST:
        return queryset.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    return queryset.order_by("starts_at", "pk")


def upcoming_events(*, limit: int, now: datetime | None = None) -> list[Event]:
    now = now or timezone.now()
    return list(
        public_events()
        .filter(status=Event.Status.PUBLISHED, starts_at__gt=now)
        .order_by("starts_at", "pk")[:limit]
    )


def events_in_progress(*, now: datetime | None = None) -> list[Event]:
    now = now or timezone.now()
    return list(
        public_events()
        .filter(status=Event.Status.PUBLISHED, starts_at__lte=now, ends_at__gt=now)
        .order_by("starts_at", "pk")
    )


def _with_schedule_and_classes(queryset: QuerySet[Event]) -> QuerySet[Event]:
    return queryset.prefetch_related(
        "sessions",
        Prefetch(
            "entry_classes",
            queryset=with_places_taken(EntryClass.objects.select_related("competition_class")),
        ),
    )


def public_event(slug: str) -> Event:
    """A public event with its schedule and classes (places taken annotated), or 404."""
    return get_object_or_404(_with_schedule_and_classes(public_events()), slug=slug)


def public_event_id(slug: str) -> int:
    """The id of the public event with this slug, or 404 (what its cached page is keyed by)."""
    event_id = (
        Event.objects.filter(status__in=PUBLIC_STATUSES, slug=slug)
        .values_list("pk", flat=True)
        .first()
    )
    if event_id is None:
        raise Http404
    return int(event_id)


# How far back a subscribed feed reaches: calendar apps keep what they already have, and an
# organizer's whole history would make every poll slower.
FEED_HISTORY = timedelta(days=365)


def events_for_feed(
    queryset: QuerySet[Event], *, now: datetime | None = None, whole_history: bool = False
) -> QuerySet[Event]:
    # A feed keeps cancelled events so that subscribed calendars learn of the cancellation.
    queryset = queryset.filter(status__in=PUBLIC_STATUSES)
    if not whole_history:
        queryset = queryset.filter(ends_at__gte=(now or timezone.now()) - FEED_HISTORY)
    return (
        queryset.select_related("organization")
        .prefetch_related("sessions")
        .order_by("starts_at", "pk")
    )


def organization_events(organization: Organization) -> QuerySet[Event]:
    return organization.events.select_related("organization").order_by("-starts_at", "-pk")


def event_for_staff(user: Any, org_slug: str, slug: str, *, with_schedule: bool = False) -> Event:
    """One of the organization's own events (any status), for its staff; everyone else gets a
    404, so another club's events are not even confirmed to exist. `with_schedule` adds the
    sessions and the classes with their places taken, for the pages that show them."""
    organization = get_organization_for_staff(user, org_slug)
    events = Event.objects.select_related("organization").filter(organization=organization)
    if with_schedule:
        events = _with_schedule_and_classes(events)
    return get_object_or_404(events, slug=slug)


def events_entered_by(user: Any) -> QuerySet[Event]:
    """The events a driver has entered, for their personal calendar feed: entries that hold a
    place (an unpaid hold only until it expires) or wait on the waiting list."""
    entered = holds_place_q() | Q(status=Entry.Status.WAITLISTED)
    event_ids = Entry.objects.filter(entered, driver=user).values("event_id")
    return Event.objects.filter(pk__in=event_ids)


def entry_for_transponder(*, session: Session, transponder: int) -> dict[str, str] | None:
    """The confirmed entry of the session's event that carries this transponder, for live
    timing's board: its car number, the driver's public name and the class."""
    from events.models import Entry

    entry = (
        Entry.objects.filter(
            event_id=session.event_id,
            status=Entry.Status.CONFIRMED,
            transponder=str(transponder),
        )
        .select_related("driver", "driver__driver_profile", "entry_class")
        .order_by("pk")
        .first()
    )
    if entry is None:
        return None
    return {
        "number": str(entry.car_number or ""),
        "name": public_name(entry.driver),
        "class_name": str(entry.entry_class),
    }
