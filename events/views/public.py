"""The public pages: home, the event list and an event's page.

Each is built from cached parts (events.services.page_cache): the part that depends only on the
data, the language and the query is rendered once per data version; what is personal (the header,
the CSRF token of the language switch) or live (the boards on air now) is added per request.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from events.forms.events import EventFilterForm
from events.queries import events as queries
from events.services import page_cache
from events.views.calendar import tier_feeds
from events.views.terms import class_rule_lines, refund_lines

PAGE_SIZE = 20
HOME_UPCOMING = 8


def _fragment(template: str, context: dict[str, Any]) -> SafeString:
    # No request: the fragments are the same for every visitor (no CSRF token, no user).
    return mark_safe(render_to_string(template, context))  # noqa: S308 (rendered by a template)


def _origin(request: HttpRequest) -> tuple[str, bool]:
    return request.get_host(), request.is_secure()


def home(request: HttpRequest) -> HttpResponse:
    key = page_cache.cache_key(
        "home", page_cache.catalogue_generation(), get_language(), _origin(request)
    )

    def build() -> tuple[dict[str, SafeString], int]:
        now = timezone.now()
        in_progress = queries.events_in_progress(now=now)
        upcoming = queries.upcoming_events(limit=HOME_UPCOMING, now=now)
        parts = {
            "intro": _fragment(
                "events/includes/home_intro.html", {"filter_form": EventFilterForm()}
            ),
            "in_progress": _fragment("events/includes/event_cards.html", {"events": in_progress}),
            "upcoming": _fragment(
                "events/includes/home_upcoming.html",
                {"upcoming": upcoming, "tier_feeds": tier_feeds(request)},
            ),
        }
        return parts, page_cache.lifetime(page_cache.moments_of([*in_progress, *upcoming]), now=now)

    context = {**page_cache.cached(key, build), "live_now": page_cache.live_now()}
    return render(request, "events/home.html", context)


def event_list(request: HttpRequest) -> HttpResponse:
    query = sorted(request.GET.lists())
    key = page_cache.cache_key("list", page_cache.catalogue_generation(), get_language(), query)

    def build() -> tuple[SafeString, int]:
        now = timezone.now()
        form = EventFilterForm(request.GET or None)
        filters = form.filters() if request.GET else queries.EventFilters()
        events = queries.filter_events(queries.public_events(), filters, now=now)
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        others = request.GET.copy()
        others.pop("page", None)
        context = {
            "form": form if request.GET else EventFilterForm(),
            "page": page,
            "events": page.object_list,
            "query": others.urlencode(),
            "filters": filters,
        }
        content = _fragment("events/includes/event_list_content.html", context)
        return content, page_cache.lifetime(page_cache.moments_of(page.object_list), now=now)

    return render(request, "events/event_list.html", {"content": page_cache.cached(key, build)})


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    generation = page_cache.catalogue_generation()
    # The event's places have their own version: a rush on it leaves the other pages cached.
    event_id = page_cache.cached(
        page_cache.cache_key("event-id", generation, slug),
        lambda: (queries.public_event_id(slug), page_cache.PAGE_CACHE_SECONDS),
    )
    key = page_cache.cache_key(
        "event",
        generation,
        page_cache.places_generation(event_id),
        get_language(),
        slug,
        _origin(request),
    )

    def build() -> tuple[dict[str, Any], int]:
        now = timezone.now()
        event = queries.public_event(slug)
        context = {
            "event": event,
            "classes": [(c, class_rule_lines(c)) for c in event.entry_classes.all()],
            "refund_lines": refund_lines(event, now=now),
        }
        parts = {
            "title": event.title,
            "head": _fragment("events/includes/event_detail_head.html", context),
            "body": _fragment("events/includes/event_detail_body.html", context),
        }
        return parts, page_cache.lifetime(page_cache.moments_of([event]), now=now)

    context = {**page_cache.cached(key, build), "live_boards": page_cache.live_now(event_slug=slug)}
    return render(request, "events/event_detail.html", context)
