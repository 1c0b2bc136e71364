"""iCalendar downloads and subscribable feeds, with ETag / Last-Modified revalidation."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from events.models import CalendarToken, Event, Tier
from events.queries import events as queries
from events.services import calendar as calendar_services
from events.views.ical import build_calendar
from racing.models import Organization

# Subscribed calendars poll; let shared caches keep a public feed for a few minutes.
PUBLIC_FEED_MAX_AGE = 300
FEED_CACHE_SECONDS = 3600


def _calendar_response(
    request: HttpRequest,
    events: QuerySet[Event],
    *,
    name: str,
    filename: str,
    public: bool = True,
) -> HttpResponse:
    # The validators come from one cheap query instead of the document: every change to an
    # event or its sessions bumps the event's sequence and updated_at (services, admin), and
    # the document is a pure function of those rows, the language and the host, so a
    # subscriber's poll is answered 304 without building anything.
    rows = list(events.values_list("pk", "sequence", "updated_at", "organization__name"))
    fingerprint = repr((rows, name, get_language(), request.get_host(), request.is_secure()))
    etag_value = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
    etag = f'"{etag_value}"'
    last_modified = max((row[2] for row in rows), default=None)
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = HttpResponse(content_type="text/calendar; charset=utf-8")
    response.headers["ETag"] = etag
    if timestamp is not None:
        response.headers["Last-Modified"] = http_date(timestamp)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if public:
        patch_cache_control(response, public=True, max_age=PUBLIC_FEED_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    conditional = get_conditional_response(
        request, etag=etag, last_modified=timestamp, response=response
    )
    if conditional is not None and conditional is not response:
        return conditional
    # Many subscribers poll the same feed: build each version once.
    cache_key = f"events:ics:{etag_value}"
    body = cache.get(cache_key)
    if body is None:
        body = build_calendar(events, name=name, absolute_url=request.build_absolute_uri)
        cache.set(cache_key, body, FEED_CACHE_SECONDS)
    response.content = body
    return response


@require_GET
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = queries.public_event(slug)
    events = queries.events_for_feed(Event.objects.filter(pk=event.pk), whole_history=True)
    return _calendar_response(request, events, name=event.title, filename=f"{event.slug}.ics")


@require_GET
def tier_feed(request: HttpRequest, tier: str) -> HttpResponse:
    if tier not in Tier.values:
        raise Http404
    events = queries.events_for_feed(Event.objects.filter(tier=tier))
    name = _("Paddock: %(tier)s events") % {"tier": Tier(tier).label}
    return _calendar_response(request, events, name=name, filename=f"paddock-{tier}.ics")


def webcal_url(feed_url: str) -> str:
    """The address phones subscribe with: iOS and most calendar apps open webcal:// as a
    subscription, where an https link would download the file once."""
    return re.sub(r"^https?://", "webcal://", feed_url)


@dataclass(frozen=True)
class TierFeed:
    label: str
    url: str
    webcal_url: str


def tier_feeds(request: HttpRequest) -> list[TierFeed]:
    """Every public tier feed, from the tier choices so a link can never name a missing feed."""
    feeds = []
    for value, label in Tier.choices:
        url = request.build_absolute_uri(reverse("events:tier-feed", args=[value]))
        feeds.append(TierFeed(label=str(label), url=url, webcal_url=webcal_url(url)))
    return feeds


@require_GET
def organization_feed(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    events = queries.events_for_feed(organization.events.all())
    return _calendar_response(
        request, events, name=organization.name, filename=f"{organization.slug}.ics"
    )


@require_GET
def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    calendar_token = (
        CalendarToken.objects.select_related("user")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if calendar_token is None:
        raise Http404
    events = queries.events_for_feed(queries.events_entered_by(calendar_token.user))
    return _calendar_response(
        request,
        events,
        name=_("My Paddock events"),
        filename="paddock-my-events.ics",
        public=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def personal_calendar(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, AbstractBaseUser)  # login_required
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar_services.revoke_calendar_tokens(user=user)
            messages.success(request, _("Your calendar address no longer works."))
        else:
            calendar_services.issue_calendar_token(user=user)
            messages.success(
                request,
                _("New calendar address created. The old one, if any, no longer works."),
            )
        return redirect("events:personal-calendar")
    token = CalendarToken.objects.filter(user=user, revoked_at__isnull=True).first()
    feed_url = request.build_absolute_uri(token.get_feed_url()) if token else ""
    context = {
        "token": token,
        "feed_url": feed_url,
        "webcal_url": webcal_url(feed_url),
        "tier_feeds": tier_feeds(request),
    }
    return render(request, "events/calendar/personal.html", context)
