"""Organizer pages to connect a timing system: start a live session for an event session, see the
command the ingest machine runs, and finish it so its standings can be published as results."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from events.models import Event, Session
from live.forms import StartTimingForm
from live.models import LiveSession
from live.services import create_live_session, finish_live_session
from racing.models import Organization
from racing.permissions import get_organization_for_staff

# Events that ended longer ago than this are no longer offered for timing.
RECENT = timedelta(days=7)


def timing_url(organization: Organization) -> str:
    return reverse("live:timing", kwargs={"org_slug": organization.slug})


def organizer_links(organization: Organization, membership: object) -> list[tuple[str, str]]:
    return [(_("Live timing"), timing_url(organization))]


@login_required
@require_GET
def timing_home(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = get_organization_for_staff(request.user, org_slug)
    return render_timing(request, organization, StartTimingForm())


def render_timing(
    request: HttpRequest, organization: Organization, form: StartTimingForm, status: int = 200
) -> HttpResponse:
    events = (
        Event.objects.filter(organization=organization, ends_at__gte=timezone.now() - RECENT)
        .exclude(status=Event.Status.CANCELLED)
        .order_by("starts_at")
        .prefetch_related("sessions__live_sessions")
    )
    context = {"organization": organization, "events": events, "form": form}
    return render(request, "live/timing.html", context, status=status)


@login_required
@require_POST
def timing_start(request: HttpRequest, org_slug: str, session_id: int) -> HttpResponse:
    organization = get_organization_for_staff(request.user, org_slug)
    event_session = get_object_or_404(
        Session.objects.select_related("event"),
        pk=session_id,
        event__organization=organization,
    )
    form = StartTimingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Live timing was not started: check the form below."))
        return render_timing(request, organization, form, status=400)
    live_session = create_live_session(
        name=f"{event_session.event.title} · {event_session}",
        mode=form.cleaned_data["mode"],
        source=form.cleaned_data["source"],
        event_session=event_session,
        min_lap_ms=form.cleaned_data["min_lap_seconds"] * 1000,
    )
    messages.success(
        request,
        _(
            "Live session %(id)s is ready. Start the ingest command shown below on the timing network."
        )
        % {"id": live_session.pk},
    )
    return redirect(timing_url(organization))


@login_required
@require_POST
def timing_finish(request: HttpRequest, org_slug: str, live_id: int) -> HttpResponse:
    organization = get_organization_for_staff(request.user, org_slug)
    live_session = get_object_or_404(
        LiveSession, pk=live_id, event_session__event__organization=organization
    )
    finish_live_session(session_id=live_session.pk)
    messages.success(
        request,
        _("Live session %(id)s is finished. Review and publish its results.") % {"id": live_id},
    )
    return redirect(timing_url(organization))
