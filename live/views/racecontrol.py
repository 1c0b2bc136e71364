"""Race control: the officials' phone page (messages, penalties, pit marks, the log), the public
log, a car's page with its pit stops and stints, and the records of a circuit layout."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from live.exceptions import RaceControlError
from live.forms.racecontrol import PitMarkForm, RaceControlForm
from live.models import LiveSession, RaceControlMessage
from live.queries.racecontrol import (
    car_page,
    get_live_session_for_staff,
    get_spectator_session,
    is_known_layout,
    race_control_log,
    record_layouts,
    records_of,
)
from live.services.racecontrol import (
    mark_pit,
    post_race_control_message,
    withdraw_race_control_message,
)


def _page_url(live: LiveSession) -> str:
    organization = live.event_session.event.organization  # type: ignore[union-attr]
    return reverse("live:race-control", kwargs={"org_slug": organization.slug, "live_id": live.pk})


def _render(
    request: HttpRequest,
    live: LiveSession,
    *,
    form: RaceControlForm | None = None,
    pit_form: PitMarkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "live": live,
        "organization": live.event_session.event.organization,  # type: ignore[union-attr]
        "form": form or RaceControlForm(),
        "pit_form": pit_form or PitMarkForm(),
        "log": race_control_log(live, staff=True)[:200],
        "cars": [row["number"] for row in (live.snapshot or {}).get("rows", [])],
    }
    return render(request, "live/race_control.html", context, status=status)


@login_required
@require_GET
def race_control(request: HttpRequest, org_slug: str, live_id: int) -> HttpResponse:
    return _render(request, get_live_session_for_staff(request.user, org_slug, live_id))


@login_required
@require_POST
def race_control_post(request: HttpRequest, org_slug: str, live_id: int) -> HttpResponse:
    live = get_live_session_for_staff(request.user, org_slug, live_id)
    form = RaceControlForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            post_race_control_message(session_id=live.pk, actor=request.user, **data)
        except RaceControlError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Posted on the board.") if data["public"] else _("Logged for staff only."),
            )
            return redirect(_page_url(live))
    messages.error(request, _("Nothing was posted: check the form below."))
    return _render(request, live, form=form, status=400)


@login_required
@require_POST
def race_control_withdraw(
    request: HttpRequest, org_slug: str, live_id: int, message_id: int
) -> HttpResponse:
    live = get_live_session_for_staff(request.user, org_slug, live_id)
    if not RaceControlMessage.objects.filter(pk=message_id, session=live).exists():
        raise Http404
    withdraw_race_control_message(session_id=live.pk, message_id=message_id)
    messages.success(request, _("The message was withdrawn from the board and the results."))
    return redirect(_page_url(live))


@login_required
@require_POST
def race_control_pit(request: HttpRequest, org_slug: str, live_id: int) -> HttpResponse:
    live = get_live_session_for_staff(request.user, org_slug, live_id)
    form = PitMarkForm(request.POST)
    if form.is_valid():
        try:
            mark_pit(
                session_id=live.pk, car=form.cleaned_data["car"], pit_in=form.cleaned_data["pit_in"]
            )
        except RaceControlError as error:
            form.add_error("car", error.message)
        else:
            messages.success(request, _("Pit lane marked."))
            return redirect(_page_url(live))
    messages.error(request, _("The pit lane was not marked: check the form below."))
    return _render(request, live, pit_form=form, status=400)


@require_GET
def race_control_public(request: HttpRequest, session_id: int) -> HttpResponse:
    live = get_spectator_session(session_id)
    context = {"live": live, "log": race_control_log(live, staff=False)[:500]}
    return render(request, "live/race_control_log.html", context)


@require_GET
def car(request: HttpRequest, session_id: int, car_key: str) -> HttpResponse:
    live = get_spectator_session(session_id)
    page = car_page(live, car_key)
    if page is None:
        raise Http404
    return render(request, "live/car.html", {"live": live, **page})


@require_GET
def records(request: HttpRequest) -> HttpResponse:
    layouts = record_layouts()
    layout = request.GET.get("layout", "")
    if layout and layout not in layouts and not is_known_layout(layout):
        raise Http404
    context = {
        "layouts": layouts,
        "layout": layout,
        "records": records_of(layout) if layout else [],
    }
    return render(request, "live/records.html", context)
