"""Staff review a finished live session's classification and publish it as results."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from events.services.results import ResultsError
from live.models import LiveSession
from live.services.racecontrol import penalties_by_car
from live.services.results import publish_live_results, result_lines
from live.services.timing import final_classification
from racing.queries.organizations import get_organization_for_staff


@login_required
@require_http_methods(["GET", "POST"])
def publish_results_view(request: HttpRequest, org_slug: str, live_id: int) -> HttpResponse:
    organization = get_organization_for_staff(request.user, org_slug)
    live_session = get_object_or_404(
        LiveSession.objects.select_related("event_session__event"),
        pk=live_id,
        event_session__event__organization=organization,
    )
    if live_session.status != LiveSession.Status.FINISHED:
        raise Http404
    event = live_session.event_session.event  # type: ignore[union-attr]
    errors: list[str] = []
    if request.method == "POST":
        try:
            publish_live_results(
                live_session=live_session,
                by=request.user,  # type: ignore[arg-type]
                official=request.POST.get("official") == "on",
            )
        except ResultsError as error:
            errors = [str(error), *(f"{e.index + 1}: {e.message}" for e in error.errors)]
        else:
            messages.success(request, _("The live timing results are published."))
            return redirect(
                reverse(
                    "events:results-manage",
                    kwargs={"org_slug": organization.slug, "slug": event.slug},
                )
            )
    context = {
        "organization": organization,
        "event": event,
        "live_session": live_session,
        "lines": result_lines(final_classification(live_session), penalties_by_car(live_session)),
        "errors": errors,
    }
    return render(request, "live/publish_results.html", context, status=400 if errors else 200)


def result_sources(session: Any) -> list[tuple[str, str]]:
    """For events' results page: a link per finished live session of this event session."""
    live_sessions = (
        LiveSession.objects.filter(event_session=session, status=LiveSession.Status.FINISHED)
        # A timed-runs board shows results the runs already published; nothing to hand over.
        .exclude(mode=LiveSession.Mode.TIMED_RUNS)
        .select_related("event_session__event__organization")
    )
    return [
        (
            _("Publish from live timing"),
            reverse(
                "live:publish-results",
                kwargs={
                    "org_slug": live.event_session.event.organization.slug,  # type: ignore[union-attr]
                    "live_id": live.pk,
                },
            ),
        )
        for live in live_sessions
    ]
