"""Kart meeting pages: staff make each stage's grid and kart draw and weigh drivers; everyone
can see and print a grid."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from events.forms.karting import KartDrawForm, WeightForm
from events.models import Event, Session, SessionFormat, StartingGrid
from events.queries.events import event_for_staff, public_event
from events.queries.karting import (
    driver_scales,
    engine_rules,
    grid_sheet,
    heat_ranking,
    meeting_of,
    stage_label,
    stage_of,
)
from events.queries.results import public_event_sessions
from events.services import karting


def _meeting_url(event: Event) -> str:
    return reverse(
        "events:kart-meeting", kwargs={"org_slug": event.organization.slug, "slug": event.slug}
    )


@login_required
@require_http_methods(["GET", "POST"])
def kart_meeting(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    stages = meeting_of(event)
    if not stages:
        raise Http404(_("This event has no sessions scored as kart heats."))
    draw_form = KartDrawForm()
    weight_form = WeightForm()
    failed = False
    if request.method == "POST":
        action = request.POST.get("action", "")
        by = request.user
        try:
            if action == "heat_grids":
                karting.make_heat_grids(event=event, by=by)  # type: ignore[arg-type]
                messages.success(request, _("The heat grids are made."))
                return redirect(_meeting_url(event))
            if action in ("final_grid", "karts"):
                session = get_object_or_404(Session, pk=request.POST.get("session"), event=event)
                if action == "final_grid":
                    karting.make_final_grid(session=session, by=by)  # type: ignore[arg-type]
                    messages.success(
                        request, _("The grid of %(s)s is made.") % {"s": session.display_name}
                    )
                    return redirect(_meeting_url(event))
                draw_form = KartDrawForm(request.POST)
                if draw_form.is_valid():
                    grid = karting.draw_karts(
                        session=session,
                        karts=draw_form.cleaned_data["karts"],
                        by=by,  # type: ignore[arg-type]
                    )
                    messages.success(
                        request,
                        _("Karts drawn for %(s)s (seed %(seed)s).")
                        % {"s": session.display_name, "seed": grid.kart_seed},
                    )
                    return redirect(_meeting_url(event))
                failed = True
            elif action == "weight":
                weight_form = WeightForm(request.POST)
                if weight_form.is_valid():
                    karting.record_weight(
                        event=event,
                        car_number=weight_form.cleaned_data["car_number"],
                        weight_kg=weight_form.cleaned_data["weight_kg"],
                        by=by,  # type: ignore[arg-type]
                    )
                    messages.success(request, _("Weight saved."))
                    return redirect(_meeting_url(event))
                failed = True
            else:
                messages.error(request, _("Unknown action."))
                failed = True
        except karting.KartingError as error:
            messages.error(request, str(error))
            failed = True
    rules = engine_rules(stages[0].session)
    grids = {g.session_id: g for g in StartingGrid.objects.filter(session__event=event)}
    rows = [
        {
            "stage": stage,
            "label": stage_label(stage),
            "grid": grids.get(stage.session.pk),
            "has_result": hasattr(stage.session, "result"),
        }
        for stage in stages
    ]
    context = {
        "event": event,
        "stages": rows,
        "rules": rules,
        "draw_form": draw_form,
        "weight_form": weight_form,
        "scales": driver_scales(event, step_kg=rules.ballast_step_kg),
        "ranking": heat_ranking(event),
    }
    return render(request, "events/karting/meeting.html", context, status=400 if failed else 200)


@require_GET
def kart_grid(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    """A stage's grid, for everyone and for printing: places, drivers, karts, ballast."""
    event = public_event(slug)
    session = get_object_or_404(
        Session, pk=session_id, event=event, format=SessionFormat.KART_HEATS
    )
    stage = stage_of(session)
    rules = engine_rules(session)
    context = {
        "event": event,
        "session": session,
        "label": stage_label(stage) if stage else session.display_name,
        "places": grid_sheet(session, step_kg=rules.ballast_step_kg),
        "grid": StartingGrid.objects.filter(session=session).first(),
        "sessions": [
            s for s in public_event_sessions(event) if s.format == SessionFormat.KART_HEATS
        ],
    }
    return render(request, "events/karting/grid.html", context)
