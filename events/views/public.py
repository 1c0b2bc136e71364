from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from events.forms.events import EventFilterForm
from events.hooks import collect_live_now
from events.queries import events as queries
from events.views.calendar import tier_feeds
from events.views.terms import class_rule_lines, refund_lines

PAGE_SIZE = 20
HOME_UPCOMING = 8


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "live_now": collect_live_now(),
        "in_progress": queries.events_in_progress(),
        "upcoming": queries.upcoming_events(limit=HOME_UPCOMING),
        "filter_form": EventFilterForm(),
        "tier_feeds": tier_feeds(request),
    }
    return render(request, "events/home.html", context)


def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    filters = form.filters() if request.GET else queries.EventFilters()
    events = queries.filter_events(queries.public_events(), filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form if request.GET else EventFilterForm(),
        "page": page,
        "events": page.object_list,
        "query": query.urlencode(),
        "filters": filters,
    }
    return render(request, "events/event_list.html", context)


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = queries.public_event(slug)
    context = {
        "event": event,
        "classes": [(c, class_rule_lines(c)) for c in event.entry_classes.all()],
        "refund_lines": refund_lines(event),
        "live_boards": collect_live_now(event_slug=event.slug),
    }
    return render(request, "events/event_detail.html", context)
