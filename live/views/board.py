from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET

from live.models import LiveSession, RaceControlMessage
from live.queries.board import get_board, kart_grids, pin_scope, spectator_url
from live.queries.replay import get_replayable, replay_deltas, replay_start, replayable_sessions


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
        "detail_stops": _("Pit stops"),
        "stops": _("%(n)s stops"),
        "stint_laps": _("%(n)s laps since the last stop"),
        "car_page": _("Pit stops and stints"),
        "finished": "🏁",
        "flag_white": _("White flag: last lap"),
        "lap_of": _("Lap %(lap)s of %(laps)s"),
        "sector": _("Sector %(n)s"),
        "seconds": _("%(n)s s"),
        "places": _("%(n)s places"),
        **{f"kind_{value}": str(label) for value, label in RaceControlMessage.Kind.choices},
        **{f"rc_flag_{value}": str(label) for value, label in RaceControlMessage.Flag.choices},
        **{f"penalty_{value}": str(label) for value, label in RaceControlMessage.Penalty.choices},
        **{f"record_{value}": str(label) for value, label in RaceControlMessage.Record.choices},
        "gained_one": _("Gained %(n)s place over the last lap"),
        "gained": _("Gained %(n)s places over the last lap"),
        "lost_one": _("Lost %(n)s place over the last lap"),
        "lost": _("Lost %(n)s places over the last lap"),
        "replay": pgettext("connection state", "Replay"),
    }


def runs_board_labels() -> dict[str, str]:
    """The strings of the timed-runs board's script, translated here."""
    shared = board_labels()
    return {
        **{key: shared[key] for key in ("connecting", "live", "reconnecting", "offline")},
        "not_found": _("This live session does not exist."),
        "too_many": shared["too_many"],
        "on_course": _("On course"),
        "nobody_on_course": _("Nobody on course."),
        "no_runs": _("No runs yet."),
        "cones_one": _("+%(n)s cone"),
        "cones": _("+%(n)s cones"),
        "gates_one": _("+%(n)s gate"),
        "gates": _("+%(n)s gates"),
        "run": _("Run %(n)s"),
        "runs_left": _("%(n)s left"),
        "dnf": _("DNF"),
        "dns": _("DNS"),
        "dsq": _("DSQ"),
        "off": _("Off course"),
    }


def _board_page(
    request: HttpRequest, session: LiveSession, snapshot: dict[str, Any], *, replay: bool
) -> HttpResponse:
    if session.mode == LiveSession.Mode.EFFICIENCY and not replay:
        # An efficiency board lives on its event's page (its own columns, energy not laps).
        return redirect(spectator_url(session))
    if session.mode == LiveSession.Mode.TIMED_RUNS and not replay:
        return render(
            request,
            "live/runs_board.html",
            {
                "snapshot": snapshot,
                "session": snapshot["session"],
                "labels": runs_board_labels(),
                "socket_path": f"/ws/live/sessions/{session.pk}/",
            },
        )
    return render(
        request,
        "live/board.html",
        {
            "snapshot": snapshot,
            "session": snapshot["session"],
            "labels": board_labels(),
            "socket_path": f"/ws/live/sessions/{session.pk}/",
            "car_url": reverse("live:car", args=[session.pk, "__car__"]),
            "pin_scope": pin_scope(session),
            "records_url": reverse("live:records")
            + (f"?{urlencode({'layout': session.layout})}" if session.layout else ""),
            "replay": replay,
            "finished": session.status == LiveSession.Status.FINISHED,
            "grids": [] if replay else kart_grids(session),
        },
    )


@require_GET
def board(request: HttpRequest, session_id: int) -> HttpResponse:
    found = get_board(session_id=session_id)
    if found is None:
        raise Http404
    session, snapshot = found
    return _board_page(request, session, snapshot, replay=False)


@require_GET
def replay(request: HttpRequest, session_id: int) -> HttpResponse:
    """A finished session on the board again, from its first change, with a slider."""
    session = get_replayable(session_id=session_id)
    if session is None:
        raise Http404
    return _board_page(request, session, replay_start(session), replay=True)


@require_GET
def replay_deltas_view(request: HttpRequest, session_id: int) -> JsonResponse:
    """The stored deltas after `?after=` (a page of them), and the session's last seq."""
    session = get_replayable(session_id=session_id)
    if session is None:
        raise Http404
    after = request.GET.get("after", "0")
    if not after.isascii() or not after.isdigit() or len(after) > 15:
        return JsonResponse(
            {"error": _("“after” must be a whole number of 0 or more.")}, status=400
        )
    deltas = replay_deltas(session, after=int(after))
    return JsonResponse({"deltas": deltas, "last": session.seq})


def session_replays(session: Any) -> list[tuple[str, str]]:
    """For an event session's public results page: a replay of each of its finished live
    sessions (registered on events.hooks.session_replays)."""
    live_sessions = list(
        replayable_sessions()
        .filter(event_session=session)
        # A timed-runs board has no replay page of its own: its runs are on the results page.
        .exclude(mode__in=[LiveSession.Mode.TIMED_RUNS, LiveSession.Mode.EFFICIENCY])
        .order_by("created_at")
    )
    return [
        (
            _("Replay the live timing: %(name)s") % {"name": live.name}
            if len(live_sessions) > 1
            else _("Replay the live timing"),
            reverse("live:replay", args=[live.pk]),
        )
        for live in live_sessions
    ]
