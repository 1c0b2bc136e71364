from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET

from live.queries.board import get_snapshot, kart_grids


def board_labels() -> dict[str, str]:
    """Every string the board's script shows, translated here so the script stays language-free."""
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
        "flag_green": _("Green flag"),
        "flag_yellow": _("Yellow flag"),
        "flag_red": _("Red flag"),
        "flag_finish": _("Chequered flag"),
        "flag_none": _("Waiting for the start"),
        "laps_down_one": _("+1 lap"),
        "laps_down": _("+%(n)s laps"),
        # The script picks a form by n; English and Chinese need only these two (one, other).
        "laps_to_go_one": ngettext("%(n)s lap to go", "%(n)s laps to go", 1),
        "laps_to_go": ngettext("%(n)s lap to go", "%(n)s laps to go", 2),
        "time_to_go": _("%(time)s to go"),
        "elapsed": _("Elapsed %(time)s"),
        "in_pit": _("PIT"),
        "all_classes": _("All classes"),
        "no_cars": _("No cars on track yet."),
        "detail_class": _("Class"),
        "detail_laps": _("Laps"),
        "detail_last": _("Last"),
        "detail_best": _("Best"),
        "detail_gap": _("Gap"),
        "detail_interval": _("Interval to the car ahead"),
    }


@require_GET
def board(request: HttpRequest, session_id: int) -> HttpResponse:
    snapshot = get_snapshot(session_id=session_id)
    if snapshot is None:
        raise Http404
    return render(
        request,
        "live/board.html",
        {
            "snapshot": snapshot,
            "session": snapshot["session"],
            "labels": board_labels(),
            "socket_path": f"/ws/live/sessions/{session_id}/",
            "grids": kart_grids(session_id=session_id),
        },
    )
