"""Read-only JSON API of public events, mounted by config/api.py under /api/events/."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema
from ninja.responses import NinjaJSONEncoder

from events.api.results import router as results_router
from events.models import Discipline, EntryClass, Event, Province, Session, Tier
from events.queries import events as queries
from events.services import page_cache

router = Router(tags=["events"])
# Results and standings (issue 7) live in their own module; registered first so that
# "/championships/..." is not taken for an event slug.
router.add_router("", results_router)

PAGE_SIZE = 20


# No address may carry a NUL character (the site answers 422 before the API sees it): the
# schema says so, so that clients and schema-driven tests know it.
NO_NUL = r"^[^\x00]*$"


class EventFilterQuery(Schema):
    q: str = Field(
        "",
        max_length=100,
        pattern=NO_NUL,
        description="Words to find in title, venue, city or organizer.",
    )
    tier: Tier | None = None
    discipline: Discipline | None = None
    province: Province | None = None
    city: str = Field("", max_length=100, pattern=NO_NUL)
    month: str | None = Field(
        None, pattern=r"^(19|20|21)\d\d-(0[1-9]|1[0-2])$", examples=["2027-05"]
    )
    registration_open: bool = False
    when: Literal["upcoming", "past", "all"] | None = None
    page: int = Field(1, ge=1, le=100_000)

    def to_filters(self) -> queries.EventFilters:
        month = date(int(self.month[:4]), int(self.month[5:7]), 1) if self.month else None
        return queries.EventFilters(
            q=self.q,
            tier=self.tier.value if self.tier else "",
            discipline=self.discipline.value if self.discipline else "",
            province=self.province.value if self.province else "",
            city=self.city,
            month=month,
            registration_open=self.registration_open,
            when="" if self.when in (None, "upcoming") else self.when,
        )


class OrganizerOut(Schema):
    name: str
    slug: str


class VenueOut(Schema):
    name: str
    province: str
    province_label: str
    city: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None


class RegistrationOut(Schema):
    opens_at: datetime | None
    closes_at: datetime | None
    open: bool


class EventOut(Schema):
    slug: str
    title: str
    tier: str
    tier_label: str
    discipline: str
    discipline_label: str
    status: str
    cancellation_reason: str
    organizer: OrganizerOut
    venue: VenueOut
    time_zone: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    registration: RegistrationOut
    url: str
    calendar_url: str


class SessionOut(Schema):
    kind: str
    kind_label: str
    name: str
    starts_at: datetime
    ends_at: datetime


class CompetitionClassOut(Schema):
    name: str
    slug: str
    tier: str


class EntryClassOut(Schema):
    name: str
    competition_class: CompetitionClassOut | None
    capacity: int
    places_left: int
    fee: Decimal
    currency: str
    early_bird_fee: Decimal | None
    early_bird_deadline: datetime | None
    approval_required: bool
    car_number_min: int | None
    car_number_max: int | None


class EventDetailOut(EventOut):
    description: str
    sessions: list[SessionOut]
    classes: list[EntryClassOut]


class ValidationErrorOut(Schema):
    """Bad query parameters: one item per problem, with `loc` naming the parameter."""

    detail: list[dict[str, Any]]


class NotFoundOut(Schema):
    detail: str


class EventPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[EventOut]


def _event(request: HttpRequest, event: Event) -> dict[str, object]:
    return {
        "slug": event.slug,
        "title": event.title,
        "tier": event.tier,
        "tier_label": str(event.get_tier_display()),
        "discipline": event.discipline,
        "discipline_label": str(event.get_discipline_display()),
        "status": event.status,
        "cancellation_reason": event.cancellation_reason,
        "organizer": {"name": event.organization.name, "slug": event.organization.slug},
        "venue": {
            "name": event.venue_name,
            "province": event.province,
            "province_label": str(event.get_province_display()),
            "city": event.city,
            "address": event.address,
            "latitude": event.latitude,
            "longitude": event.longitude,
        },
        "time_zone": event.time_zone,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "all_day": event.all_day,
        "registration": {
            "opens_at": event.registration_opens_at,
            "closes_at": event.registration_closes_at,
            "open": event.registration_open,
        },
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "calendar_url": request.build_absolute_uri(f"{event.get_absolute_url()}calendar.ics"),
    }


def _session(session: Session) -> dict[str, object]:
    return {
        "kind": session.kind,
        "kind_label": str(session.get_kind_display()),
        "name": session.display_name,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
    }


def _entry_class(entry_class: EntryClass, currency: str) -> dict[str, object]:
    competition_class = entry_class.competition_class
    return {
        "name": entry_class.name,
        "competition_class": {
            "name": competition_class.name,
            "slug": competition_class.slug,
            "tier": competition_class.tier,
        }
        if competition_class
        else None,
        "capacity": entry_class.capacity,
        "places_left": entry_class.places_left,
        "fee": entry_class.fee,
        "currency": currency,
        "early_bird_fee": entry_class.early_bird_fee,
        "early_bird_deadline": entry_class.early_bird_deadline,
        "approval_required": entry_class.approval_required,
        "car_number_min": entry_class.car_number_min,
        "car_number_max": entry_class.car_number_max,
    }


@router.get(
    "/",
    response={200: EventPageOut, 422: ValidationErrorOut},
    summary="Public events, filtered like the list page",
)
def list_events(request: HttpRequest, filters: Query[EventFilterQuery]) -> HttpResponse:
    key = page_cache.cache_key(
        "api-list",
        page_cache.catalogue_generation(),
        get_language(),
        filters.model_dump_json(),
        request.get_host(),
        request.is_secure(),
    )

    def build() -> tuple[tuple[bytes, str], int]:
        now = timezone.now()
        events = queries.filter_events(queries.public_events(), filters.to_filters(), now=now)
        page = Paginator(events, PAGE_SIZE).get_page(filters.page)
        data = {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "items": [_event(request, event) for event in page.object_list],
        }
        moments = page_cache.moments_of(page.object_list)
        return _encoded(EventPageOut, data), page_cache.lifetime(moments, now=now)

    return _json_response(request, page_cache.cached(key, build))


@router.get(
    "/{slug}",
    response={200: EventDetailOut, 404: NotFoundOut},
    summary="One public event with schedule and classes",
)
def get_event(request: HttpRequest, slug: str) -> HttpResponse:
    generation = page_cache.catalogue_generation()
    event_id = page_cache.cached(
        page_cache.cache_key("event-id", generation, slug),
        lambda: (queries.public_event_id(slug), page_cache.PAGE_CACHE_SECONDS),
    )
    key = page_cache.cache_key(
        "api-event",
        generation,
        page_cache.places_generation(event_id),
        get_language(),
        slug,
        request.get_host(),
        request.is_secure(),
    )

    def build() -> tuple[tuple[bytes, str], int]:
        now = timezone.now()
        event = queries.public_event(slug)
        currency = event.organization.currency
        data = {
            **_event(request, event),
            "description": event.description,
            "sessions": [_session(s) for s in event.sessions.all()],
            "classes": [_entry_class(c, currency) for c in event.entry_classes.all()],
        }
        return _encoded(EventDetailOut, data), page_cache.lifetime(
            page_cache.moments_of([event]), now=now
        )

    return _json_response(request, page_cache.cached(key, build))


def _encoded(schema: type[Schema], data: dict[str, object]) -> tuple[bytes, str]:
    """The JSON body ninja would send for `data` under `schema`, and its ETag."""
    validated = schema.model_validate(data).model_dump()
    body = json.dumps(validated, cls=NinjaJSONEncoder).encode()
    return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def _json_response(request: HttpRequest, cached: tuple[bytes, str]) -> HttpResponse:
    """The body with its ETag, or 304 to a client that sends it back (If-None-Match)."""
    body, etag = cached
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response.headers["ETag"] = etag
    # Clients may keep it, but must ask again each time: places left change in a rush.
    patch_cache_control(response, public=True, no_cache=True)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    conditional = get_conditional_response(request, etag=etag, response=response)
    return conditional if conditional is not None else response
