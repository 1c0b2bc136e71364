"""Efficiency runs: staff enter each car's laps or distance, time and energy on a phone; the
public board shows the standings (kWh/100 km, lower first)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods

from events import hooks
from events.engine import efficiency as engine
from events.forms.efficiency import EnergyForm
from events.models import EfficiencyRun, Session, SessionFormat, SessionResult
from events.queries.events import event_for_staff, public_event
from events.queries.roster import roster_for
from events.services import efficiency

STANDING_LABELS = {
    engine.Standing.CLASSIFIED: "",
    engine.Standing.OVER_TIME: gettext_lazy("Over time"),
    engine.Standing.AWAITING_ENERGY: gettext_lazy("Awaiting energy"),
    engine.Standing.NO_DISTANCE: gettext_lazy("No distance"),
    engine.Standing.DNF: gettext_lazy("DNF"),
    engine.Standing.DNS: gettext_lazy("DNS"),
    engine.Standing.DSQ: gettext_lazy("DSQ"),
}


def _standings(session: Session) -> list[dict[str, object]]:
    roster = roster_for(session.event)
    return [
        {
            "item": item,
            "driver": roster[item.number].driver_name if item.number in roster else "",
            "label": STANDING_LABELS[item.standing],
        }
        for item in efficiency.scored(session)
    ]


def board_labels() -> dict[str, str]:
    """The strings of the live board's script (static/js/live-runs-board.js), translated here."""
    return {
        "connecting": _("Connecting…"),
        "live": pgettext("connection state", "Live"),
        "reconnecting": _("Reconnecting…"),
        "offline": _("Offline: retrying"),
        "not_found": _("This live session does not exist."),
        "too_many": _(
            "Too many live boards are open from your network. Close some; this one tries "
            "again in a minute."
        ),
        "no_runs": _("No runs yet."),
        # The same msgid as the standings template's; the script fills %(p)s.
        "over_time": _("+%(p)s%% over time").replace("%%", "%"),
        **{f"standing_{key}": str(label) for key, label in STANDING_LABELS.items()},
    }


@login_required
@require_http_methods(["GET", "POST"])
def efficiency_entry(
    request: HttpRequest, org_slug: str, slug: str, session_id: int
) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    session = get_object_or_404(
        Session, pk=session_id, event=event, format=SessionFormat.EFFICIENCY
    )
    rules = efficiency.engine_rules(session)
    form = EnergyForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        line = efficiency.EnergyLine(
            car_number=data["car_number"],
            status=data["status"],
            energy_kwh=data["energy_kwh"],
            distance_km=data["distance_km"],
            laps=data["laps"],
            elapsed_ms=data["time"],
        )
        try:
            efficiency.save_runs(
                session=session,
                lines=[line],
                by=request.user,  # type: ignore[arg-type]
                reason=data["reason"],
            )
        except efficiency.EfficiencyError as error:
            errors = [e.message for e in error.errors] or [str(error)]
        else:
            messages.success(request, _("Car %(number)s saved.") % {"number": line.car_number})
            return redirect(
                reverse(
                    "events:efficiency-entry",
                    kwargs={"org_slug": org_slug, "slug": slug, "session_id": session.pk},
                )
            )
    context = {
        "event": event,
        "session": session,
        "rules": rules,
        "form": form,
        "errors": errors,
        "standings": _standings(session),
        "runs": {r.car_number: r for r in EfficiencyRun.objects.filter(session=session)},
        "result": SessionResult.objects.filter(session=session).first(),
    }
    failed = request.method == "POST"
    return render(request, "events/efficiency/entry.html", context, status=400 if failed else 200)


@require_GET
def efficiency_board(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    event = public_event(slug)
    session = get_object_or_404(
        Session, pk=session_id, event=event, format=SessionFormat.EFFICIENCY
    )
    context = {
        "event": event,
        "session": session,
        "rules": efficiency.engine_rules(session),
        "standings": _standings(session),
        "socket": hooks.collect_live_board_socket(session),
        "labels": board_labels(),
    }
    return render(request, "events/efficiency/board.html", context)
