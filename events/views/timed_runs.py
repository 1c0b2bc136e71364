"""The staff page at the start/finish line of a timed-runs session: enter a run, correct one,
make the results official. Phone first: one column, big targets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events.engine.racetime import format_time
from events.forms.timed_runs import RunForm, initial_for
from events.models import Event, Session, SessionResult, TimedRun
from events.queries.timed_runs import next_up, recent_runs, runs_session_for_staff
from events.services.results import ResultsError
from events.services.timed_runs import publish_official, save_runs


def _page_url(event: Event, session: Session) -> str:
    return reverse(
        "events:timed-runs",
        kwargs={"org_slug": event.organization.slug, "slug": event.slug, "session_id": session.pk},
    )


@login_required
@require_http_methods(["GET", "POST"])
def timed_runs(request: HttpRequest, org_slug: str, slug: str, session_id: int) -> HttpResponse:
    event, session = runs_session_for_staff(request.user, org_slug, slug, session_id)
    editing = None
    if request.method == "POST":
        form = RunForm(request.POST)
        if form.is_valid():
            try:
                (run,) = save_runs(
                    session=session,
                    lines=[form.line()],
                    by=request.user,  # type: ignore[arg-type]
                    reason=form.cleaned_data["reason"],
                )
            except ResultsError as error:
                for problem in error.errors or []:
                    form.add_error(None, problem.message)
                if not error.errors:
                    form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Car %(number)s, run %(run)s: %(time)s saved.")
                    % {
                        "number": run.car_number,
                        "run": run.run,
                        "time": format_time(run.time_ms) or run.get_status_display(),
                    },
                )
                return redirect(_page_url(event, session))
    else:
        edit = request.GET.get("edit", "")
        if edit.isdigit():
            editing = get_object_or_404(TimedRun, pk=int(edit), session=session)
        number = request.GET.get("number", "")[:8]
        form = RunForm(initial=initial_for(editing) if editing else {"number": number})
    context = {
        "event": event,
        "session": session,
        "form": form,
        "editing": editing or (form.data.get("run") if form.is_bound else None),
        "runs": recent_runs(session),
        "next_up": next_up(session),
        "rules": session.checked_rules,
        "result": SessionResult.objects.filter(session=session).first(),
    }
    return render(
        request, "events/timed_runs/line.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def timed_runs_official(
    request: HttpRequest, org_slug: str, slug: str, session_id: int
) -> HttpResponse:
    event, session = runs_session_for_staff(request.user, org_slug, slug, session_id)
    try:
        publish_official(
            session=session,
            by=request.user,  # type: ignore[arg-type]
            reason=request.POST.get("reason", "").strip(),
        )
    except ResultsError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The results of %(session)s are official.") % {"session": session.display_name},
        )
    return redirect(_page_url(event, session))
