"""Organizer pages to connect a timing system: start a live session for an event session, see the
command the ingest machine runs, and finish it so its standings can be published as results."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events.models import Event, Session
from live.feeds.ingest import IDLE_TIMEOUT_S
from live.forms.timing import FeedEncodingForm, StartTimingForm
from live.models import LiveFeedChunk, LiveSession
from live.services.timed_runs import NotTimedRuns, open_runs_board
from live.services.timing import create_live_session, finish_live_session
from racing.models import Organization
from racing.queries.organizations import get_organization_for_staff

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
    request: HttpRequest,
    organization: Organization,
    form: StartTimingForm,
    status: int = 200,
    encoding_form: tuple[int, FeedEncodingForm] | None = None,
) -> HttpResponse:
    """The page; `encoding_form` is (live session id, bound form) when that change was refused."""
    last_chunk = LiveFeedChunk.objects.filter(session=OuterRef("pk")).order_by("-received_at")
    live_sessions = LiveSession.objects.annotate(
        last_feed_at=Subquery(last_chunk.values("received_at")[:1])
    )
    events = list(
        Event.objects.filter(organization=organization, ends_at__gte=timezone.now() - RECENT)
        .exclude(status=Event.Status.CANCELLED)
        .order_by("starts_at")
        .prefetch_related("sessions", Prefetch("sessions__live_sessions", queryset=live_sessions))
    )
    now = timezone.now()
    for event in events:
        for event_session in event.sessions.all():
            for live in event_session.live_sessions.all():
                setattr(live, "feed_silent_s", feed_silence(live, now))  # noqa: B010
                if encoding_form is not None and encoding_form[0] == live.pk:
                    bound = encoding_form[1]
                else:
                    bound = FeedEncodingForm(initial={"feed_encoding": live.feed_encoding})
                setattr(live, "encoding_form", bound)  # noqa: B010
    context = {"organization": organization, "events": events, "form": form}
    return render(request, "live/timing.html", context, status=status)


def feed_silence(live: LiveSession, now: datetime) -> int | None:
    """Seconds the feed of a live session has been silent, when that is longer than the idle
    timeout live_ingest reconnects after (by default): the board is probably frozen."""
    if live.status != LiveSession.Status.LIVE or live.source not in IDLE_TIMEOUT_S:
        return None
    last: datetime | None = getattr(live, "last_feed_at", None)
    if last is None:
        return None
    silent = int((now - last).total_seconds())
    return silent if silent > IDLE_TIMEOUT_S[live.source] else None


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
    if form.cleaned_data["mode"] == LiveSession.Mode.TIMED_RUNS:
        try:
            live_session = open_runs_board(
                event_session=event_session,
                source=form.cleaned_data["source"],
                start_decoder_id=form.cleaned_data["start_decoder_id"],
                finish_decoder_id=form.cleaned_data["finish_decoder_id"],
            )
        except NotTimedRuns:
            form.add_error(
                "mode", _("This session is not scored as timed runs: change its format first.")
            )
            return render_timing(request, organization, form, status=400)
    else:
        live_session = create_live_session(
            name=f"{event_session.event.title} · {event_session}",
            mode=form.cleaned_data["mode"],
            source=form.cleaned_data["source"],
            event_session=event_session,
            min_lap_ms=form.cleaned_data["min_lap_seconds"] * 1000,
            feed_encoding=form.cleaned_data["feed_encoding"],
            layout=form.cleaned_data["layout"] or event_session.event.venue_name,
            pit_in_decoder=form.cleaned_data["pit_in_decoder"],
            pit_out_decoder=form.cleaned_data["pit_out_decoder"],
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
@require_http_methods(["GET", "POST"])
def timing_finish(request: HttpRequest, org_slug: str, live_id: int) -> HttpResponse:
    organization = get_organization_for_staff(request.user, org_slug)
    live_session = get_object_or_404(
        LiveSession, pk=live_id, event_session__event__organization=organization
    )
    if request.method == "GET":
        # Finishing stops the board in the middle of a race if pressed by mistake: ask first.
        context = {
            "heading": _("Finish live session %(id)s?") % {"id": live_id},
            "consequences": [
                _("%(name)s stops taking timing: later passings are ignored.")
                % {"name": live_session.name},
                _("The board keeps showing the last standings."),
                _("Then review its results and publish them."),
            ],
            "action": request.path,
            "button": _("Finish session"),
            "back": timing_url(organization),
        }
        return render(request, "confirm.html", context)
    finish_live_session(session_id=live_session.pk)
    messages.success(
        request,
        _("Live session %(id)s is finished. Review and publish its results.") % {"id": live_id},
    )
    return redirect(timing_url(organization))


@login_required
@require_POST
def timing_encoding(request: HttpRequest, org_slug: str, live_id: int) -> HttpResponse:
    """Change a live session's feed text encoding; a running ingest uses it from its next
    connection, and replays of the stored feed read with it."""
    organization = get_organization_for_staff(request.user, org_slug)
    live_session = get_object_or_404(
        LiveSession, pk=live_id, event_session__event__organization=organization
    )
    form = FeedEncodingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The feed text encoding was not changed: check the form below."))
        return render_timing(
            request, organization, StartTimingForm(), status=400, encoding_form=(live_id, form)
        )
    live_session.feed_encoding = form.cleaned_data["feed_encoding"]
    live_session.save(update_fields=["feed_encoding", "updated_at"])
    messages.success(
        request,
        _(
            "Live session %(id)s now reads its feed as %(encoding)s. A running ingest command "
            "uses it from its next connection to the timing system."
        )
        % {"id": live_id, "encoding": live_session.get_feed_encoding_display()},
    )
    return redirect(timing_url(organization))
