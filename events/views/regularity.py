"""Pages of regularity rallies and tours: the route for staff, the marshals' control page and its
sync endpoint, the clerk's conflicts page, the route card, the standings and a crew's detail."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events import hooks
from events.engine import regularity as engine
from events.exceptions import EventsError
from events.forms.regularity import (
    ControlForm,
    CrewMemberForm,
    RouteForm,
    StampForm,
    StampsCsvForm,
    VoidForm,
)
from events.models import Control, CrewMember, Entry, Route, Session, Stamp
from events.queries import regularity as queries
from events.queries.events import public_event
from events.services import regularity as services
from events.services.regularity import parse_clock, read_stamps_csv, route_day
from events.services.results import ResultsError

MAX_SYNC_BYTES = 256 * 1024


def _manage_url(session: Session) -> str:
    event = session.event
    return reverse(
        "events:route-manage",
        kwargs={"org_slug": event.organization.slug, "slug": event.slug, "session_id": session.pk},
    )


def _staff_route(request: HttpRequest, org_slug: str, slug: str, session_id: int) -> Route:
    session = queries.session_for_staff(request.user, org_slug, slug, session_id)
    route = queries.route_of(session)
    if route is None:
        raise Http404
    return route


def _route_rows(route: Route, *, include_secret: bool) -> list[dict[str, Any]]:
    """The route card's lines with car 0's ideal time of day, in the event's zone."""
    controls = {control.code: control for control in route.controls.all()}
    rows = []
    for row in engine.route_card(queries.sections(route), include_secret=include_secret):
        rows.append(
            {
                "row": row,
                "control": controls[row.code],
                "ideal": route.standard_start + timedelta(milliseconds=row.offset_ms),
                "section": _duration(row.section_ms),
            }
        )
    return rows


def _duration(ms: int) -> str:
    seconds, tenths = divmod(ms // 100, 10)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{text}.{tenths}" if tenths else text


@login_required
@require_http_methods(["GET", "POST"])
def route_manage(request: HttpRequest, org_slug: str, slug: str, session_id: int) -> HttpResponse:
    session = queries.session_for_staff(request.user, org_slug, slug, session_id)
    event = session.event
    route = queries.route_of(session)
    with timezone.override(event.time_zone):
        initial = {"standard_start": session.starts_at - timedelta(hours=1)}
        form = RouteForm(request.POST or None, instance=route, initial=initial)
        if request.method == "POST" and form.is_valid():
            services.save_route(session=session, **form.cleaned_data)
            messages.success(request, _("Route saved."))
            return redirect(_manage_url(session))
        rows: list[dict[str, Any]] = []
        route_error = ""
        if route is not None:
            try:
                rows = _route_rows(route, include_secret=True)
            except engine.RouteError:
                route_error = _("A section has neither a time nor a distance and a speed.")
        context = {
            "organization": event.organization,
            "event": event,
            "session": session,
            "route": route,
            "form": form,
            "rows": rows,
            "route_error": route_error,
            "control_form": ControlForm(),
            "presets": sorted(engine.PRESETS),
            "rules": engine.format_rules(queries.session_rules(session)),
            "result": getattr(session, "result", None) if route else None,
        }
        return render(request, "events/regularity/route_manage.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def control_form(
    request: HttpRequest, org_slug: str, slug: str, session_id: int, control_id: int | None = None
) -> HttpResponse:
    route = _staff_route(request, org_slug, slug, session_id)
    control = get_object_or_404(Control, route=route, pk=control_id) if control_id else None
    form = ControlForm(request.POST or None, instance=control)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if control is None:
                services.add_control(route=route, **data)
            else:
                services.update_control(control=control, **data)
        except services.RouteError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("Control saved."))
            return redirect(_manage_url(route.session))
    context = {
        "organization": route.session.event.organization,
        "event": route.session.event,
        "session": route.session,
        "route": route,
        "form": form,
        "control": control,
    }
    return render(request, "events/regularity/control_form.html", context)


@login_required
@require_POST
def control_remove(
    request: HttpRequest, org_slug: str, slug: str, session_id: int, control_id: int
) -> HttpResponse:
    route = _staff_route(request, org_slug, slug, session_id)
    control = get_object_or_404(Control, route=route, pk=control_id)
    try:
        services.remove_control(control=control)
    except EventsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Control removed."))
    return redirect(_manage_url(route.session))


@login_required
@require_POST
def control_revoke(
    request: HttpRequest, org_slug: str, slug: str, session_id: int, control_id: int
) -> HttpResponse:
    route = _staff_route(request, org_slug, slug, session_id)
    control = get_object_or_404(Control, route=route, pk=control_id)
    services.revoke_control_token(control=control, actor=request.user)
    messages.success(
        request, _("The old QR code of %(code)s no longer works.") % {"code": control.code}
    )
    return redirect(_manage_url(route.session))


@login_required
@require_POST
def route_publish(request: HttpRequest, org_slug: str, slug: str, session_id: int) -> HttpResponse:
    route = _staff_route(request, org_slug, slug, session_id)
    published = request.POST.get("published") == "1"
    services.publish_route_card(route=route, published=published)
    messages.success(
        request, _("Route card published.") if published else _("Route card withdrawn.")
    )
    return redirect(_manage_url(route.session))


@login_required
@require_POST
def route_results(request: HttpRequest, org_slug: str, slug: str, session_id: int) -> HttpResponse:
    """Score the route and publish its results, provisional or official."""
    route = _staff_route(request, org_slug, slug, session_id)
    official = request.POST.get("official") == "1"
    try:
        services.publish_regularity_results(
            session=route.session,
            by=request.user,
            official=official,
            reason=request.POST.get("reason", "")[:500],
        )
    except ResultsError as error:
        messages.error(request, " ".join([str(error), *(e.message for e in error.errors)]))
    else:
        messages.success(
            request,
            _("Official results published.") if official else _("Provisional results published."),
        )
    return redirect(_manage_url(route.session))


@login_required
@require_POST
def route_rules(request: HttpRequest, org_slug: str, slug: str, session_id: int) -> HttpResponse:
    route = _staff_route(request, org_slug, slug, session_id)
    try:
        services.apply_rules_preset(session=route.session, preset=request.POST.get("preset", ""))
    except EventsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Rules saved."))
    return redirect(_manage_url(route.session))


@login_required
@require_GET
def control_qr(
    request: HttpRequest, org_slug: str, slug: str, session_id: int, control_id: int
) -> HttpResponse:
    route = _staff_route(request, org_slug, slug, session_id)
    control = get_object_or_404(Control, route=route, pk=control_id)
    if request.GET.get("for") == "crew" and route.is_touring:
        path = reverse("events:waypoint", kwargs={"token": control.waypoint_token})
    else:
        path = reverse("events:control-page", kwargs={"token": control.token})
    qr = segno.make(request.build_absolute_uri(path), error="m")
    response = HttpResponse(qr.svg_inline(scale=6, border=2), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def route_card_print(
    request: HttpRequest, org_slug: str, slug: str, session_id: int
) -> HttpResponse:
    route = _staff_route(request, org_slug, slug, session_id)
    return _route_card(request, route)


def route_card_public(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    event = public_event(slug)
    route = queries.public_route(event, session_id)
    return _route_card(request, route)


def _route_card(request: HttpRequest, route: Route) -> HttpResponse:
    event = route.session.event
    with timezone.override(event.time_zone):
        try:
            rows = _route_rows(route, include_secret=False)
        except engine.RouteError:
            rows = []
        crews = queries.crews(event)
        starts = [
            {
                "crew": crew,
                "start": route.standard_start + timedelta(seconds=route.interval_s * number),
            }
            for number, crew in sorted(crews.items())
        ]
        context = {
            "event": event,
            "session": route.session,
            "route": route,
            "rows": rows,
            "starts": starts,
        }
        return render(request, "events/regularity/route_card.html", context)


# --- the clerk's page: conflicts, corrections, the stamps CSV ---


@login_required
@require_http_methods(["GET", "POST"])
def stamps_manage(request: HttpRequest, org_slug: str, slug: str, session_id: int) -> HttpResponse:
    route = _staff_route(request, org_slug, slug, session_id)
    event = route.session.event
    day = route_day(route)
    add_form = StampForm(day=day, prefix="add")
    csv_form = StampsCsvForm()
    csv_errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            add_form = StampForm(request.POST, day=day, prefix="add")
            raw = request.POST.get("control", "")
            control = route.controls.filter(pk=int(raw)).first() if raw.isdigit() else None
            if control is None:
                add_form.add_error(None, _("Choose a control."))
            elif add_form.is_valid():
                services.add_official_stamp(
                    control=control, actor=request.user, **add_form.cleaned_data
                )
                messages.success(request, _("Stamp added."))
                return redirect(request.path)
        elif action in ("void", "correct"):
            raw = request.POST.get("stamp", "")
            if not raw.isdigit():
                raise Http404
            stamp = get_object_or_404(Stamp, control__route=route, pk=int(raw))
            form: VoidForm | StampForm = (
                VoidForm(request.POST, prefix=f"s{stamp.pk}")
                if action == "void"
                else StampForm(request.POST, day=day, prefix=f"s{stamp.pk}")
            )
            if form.is_valid():
                try:
                    if action == "void":
                        services.void_stamp(
                            stamp=stamp, reason=form.cleaned_data["reason"], actor=request.user
                        )
                    else:
                        services.correct_stamp(stamp=stamp, actor=request.user, **form.cleaned_data)
                except EventsError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(request, _("Stamp corrected."))
                    return redirect(request.path)
            else:
                messages.error(
                    request, " ".join(str(e) for errors in form.errors.values() for e in errors)
                )
        elif action == "import":
            csv_form = StampsCsvForm(request.POST, request.FILES)
            if csv_form.is_valid():
                codes = set(route.controls.values_list("code", flat=True))
                lines, csv_errors = read_stamps_csv(
                    csv_form.cleaned_data["file"].read(), day=day, codes=codes
                )
                if not csv_errors:
                    count = services.import_stamps(route=route, lines=lines, actor=request.user)
                    messages.success(request, _("%(count)s stamps imported.") % {"count": count})
                    return redirect(request.path)
    with timezone.override(event.time_zone):
        stamps = list(
            Stamp.objects.filter(control__route=route)
            .select_related("control")
            .order_by("control__position", "car_number", "at")
        )
        context = {
            "organization": event.organization,
            "event": event,
            "session": route.session,
            "route": route,
            "conflicts": queries.conflicts(route),
            "stamps": stamps,
            "controls": list(route.controls.all()),
            "add_form": add_form,
            "csv_form": csv_form,
            "csv_errors": csv_errors,
        }
        return render(request, "events/regularity/stamps_manage.html", context)


# --- the marshal's control page (no account: the token in the URL is the credential) ---


@never_cache
@require_GET
def control_page(request: HttpRequest, token: str) -> HttpResponse:
    control = queries.control_for_token(token)
    route = control.route
    context = {
        "control": control,
        "route": route,
        "event": route.session.event,
        "sync_url": reverse("events:control-sync", kwargs={"token": token}),
    }
    return render(request, "events/regularity/control.html", context)


def _bad(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@csrf_exempt  # no cookie is read: the control's token in the URL is the only credential
@require_POST
def control_sync(request: HttpRequest, token: str) -> JsonResponse:
    """The phone's sync: a batch of stamps (maybe none, to measure the clock), each with its
    idempotency key. Answers the server's time for the phone's clock offset, and which keys are
    stored (new or seen before); a stamp refused is named with the reason."""
    received_ms = round(timezone.now().timestamp() * 1000)
    try:
        control = queries.control_for_token(token)
    except Http404:
        return _bad(_("This control's QR code was revoked. Ask the clerk for the new one."), 404)
    if len(request.body) > MAX_SYNC_BYTES:
        return _bad(_("Too many stamps at once."), 413)
    try:
        payload = json.loads(request.body or b"{}")
        items = payload.get("stamps", [])
        if not isinstance(items, list):
            raise ValueError
    except (ValueError, AttributeError):
        return _bad(_("The request is not valid JSON."))
    event = control.route.session.event
    earliest, latest = event.starts_at - timedelta(days=1), event.ends_at + timedelta(days=1)
    day = route_day(control.route)
    good: list[services.StampIn] = []
    rejected: list[dict[str, str]] = []
    for item in items:
        key, error, stamp = _read_stamp(item, day)
        if stamp is not None and not earliest <= stamp.at <= latest:
            stamp, error = None, _("The time is not on the day of the event.")
        if stamp is None:
            rejected.append({"key": key, "error": error})
        else:
            good.append(stamp)
    try:
        outcome = services.record_stamps(control=control, stamps=good)
    except EventsError as error:
        return _bad(str(error))
    return JsonResponse(
        {
            "server_ms": received_ms,
            "accepted": outcome.accepted,
            "duplicates": outcome.duplicates,
            "rejected": rejected,
        }
    )


def _read_stamp(item: Any, day: datetime) -> tuple[str, str, services.StampIn | None]:
    if not isinstance(item, dict):
        return "", _("A stamp is not readable."), None
    raw_key = str(item.get("key", ""))[:64]
    try:
        key = uuid.UUID(raw_key)
        number = item.get("number")
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= 99999:
            return raw_key, _("The car number is not a number."), None
        offset = item.get("offset_ms")
        if offset is not None and (isinstance(offset, bool) or not isinstance(offset, int)):
            offset = None
        if "clock" in item:
            moment = parse_clock(str(item["clock"])[:16], day)
            if moment is None:
                return raw_key, _("Type the time as HH:MM:SS."), None
            source = Stamp.Source.TYPED
        else:
            at_ms = item.get("at_ms")
            if isinstance(at_ms, bool) or not isinstance(at_ms, int):
                return raw_key, _("A stamp has no time."), None
            moment = datetime.fromtimestamp(at_ms / 1000, tz=UTC)
            source = Stamp.Source.TAP
    except (ValueError, OverflowError, OSError):
        return raw_key, _("A stamp is not readable."), None
    return (
        raw_key,
        "",
        services.StampIn(key=key, car_number=number, at=moment, source=source, offset_ms=offset),
    )


# --- standings and a crew's detail ---


def standings(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    event = public_event(slug)
    route = get_object_or_404(
        Route.objects.select_related("session__event"),
        session__event=event,
        session_id=session_id,
        mode=Route.Mode.REGULARITY,
    )
    with timezone.override(event.time_zone):
        try:
            board = queries.scoreboard(route, final=False)
        except engine.RouteError:
            raise Http404 from None
        rows = [
            {"standing": standing, "crew": board.crews.get(standing.crew.number)}
            for standing in board.standings
        ]
        context = {
            "event": event,
            "session": route.session,
            "route": route,
            "rows": rows,
            "socket": hooks.collect_live_board_socket(route.session),
        }
        return render(request, "events/regularity/standings.html", context)


def crew_detail(request: HttpRequest, slug: str, session_id: int, number: int) -> HttpResponse:
    event = public_event(slug)
    route = get_object_or_404(
        Route.objects.select_related("session__event"),
        session__event=event,
        session_id=session_id,
        mode=Route.Mode.REGULARITY,
    )
    with timezone.override(event.time_zone):
        try:
            board = queries.scoreboard(route, final=False)
        except engine.RouteError:
            raise Http404 from None
        standing = next((s for s in board.standings if s.crew.number == number), None)
        if standing is None:
            raise Http404
        rows = [
            {
                "score": score,
                "ideal": queries.moment(score.ideal_ms),
                "actual": queries.moment(score.actual_ms) if score.actual_ms is not None else None,
                "delta": _signed(score.delta_ms) if score.delta_ms is not None else "",
                "why": _explain(score, board.rules),
            }
            for score in standing.crew.controls
            # A secret check stays secret until the crew has passed it.
            if score.kind != engine.Kind.SECRET or score.outcome != engine.Outcome.PENDING
        ]
        context = {
            "event": event,
            "session": route.session,
            "route": route,
            "standing": standing,
            "crew": board.crews.get(number),
            "rows": rows,
            "rules": board.rules,
        }
        return render(request, "events/regularity/crew.html", context)


def _signed(ms: int) -> str:
    return ("−" if ms < 0 else "+") + _duration(abs(ms))


def _explain(score: engine.ControlScore, rules: engine.Rules) -> str:
    """How a control's penalty came about, in the rules' own terms."""
    if score.dropped:
        return _("Dropped: one of the worst tests.")
    if score.outcome == engine.Outcome.PENDING:
        return _("Not reached yet.")
    if score.outcome == engine.Outcome.MISSED:
        return _("Missed control.")
    if score.outcome == engine.Outcome.OTL:
        if rules.otl == "exclude":
            return _("Over the maximum lateness (%(minutes)s min): excluded.") % {
                "minutes": rules.max_lateness_minutes
            }
        return _("Over the maximum lateness (%(minutes)s min).") % {
            "minutes": rules.max_lateness_minutes
        }
    delta = score.delta_ms or 0
    if score.kind == engine.Kind.PASSAGE or delta == 0:
        return ""
    if score.kind in engine.TIMED_KINDS:
        minutes = abs(delta) // engine.MINUTE_MS
        rate = rules.tc_early_per_minute if delta < 0 else rules.tc_late_per_minute
        text = (
            _("%(count)s min early × %(rate)s") if delta < 0 else _("%(count)s min late × %(rate)s")
        )
        return text % {"count": minutes, "rate": rate}
    unit_ms = engine.PRECISION_MS[rules.precision]
    units = abs(delta) // unit_ms
    rate = rules.secret_early_per_unit if delta < 0 else rules.secret_late_per_unit
    unit = {"minute": _("min"), "second": _("s"), "tenth": _("tenths")}[rules.precision]
    text = (
        _("%(count)s %(unit)s early × %(rate)s")
        if delta < 0
        else _("%(count)s %(unit)s late × %(rate)s")
    )
    text = text % {"count": units, "unit": unit, "rate": rate}
    if rules.secret_cap and units * rate > rules.secret_cap:
        text += " " + _("(capped at %(cap)s)") % {"cap": rules.secret_cap}
    return text


# --- touring: crews with their members, the roll call, the crew's waypoint passport ---

PASSPORT_SALT = "events.regularity.passport"
PASSPORT_COOKIE = "paddock_passport"


def passport_token(entry_id: int) -> str:
    return signing.dumps(entry_id, salt=PASSPORT_SALT)


def _passport_entry(token: str) -> Entry:
    try:
        entry_id = signing.loads(token, salt=PASSPORT_SALT)
    except signing.BadSignature:
        raise Http404 from None
    return get_object_or_404(
        Entry.objects.select_related("event"), pk=entry_id, car_number__isnull=False
    )


@login_required
@require_http_methods(["GET", "POST"])
def crews_manage(request: HttpRequest, org_slug: str, slug: str, session_id: int) -> HttpResponse:
    route = _staff_route(request, org_slug, slug, session_id)
    event = route.session.event
    entries = list(
        Entry.objects.filter(
            event=event, car_number__isnull=False, status__in=Entry.PLACE_STATUSES
        ).order_by("car_number")
    )
    form = CrewMemberForm()
    if request.method == "POST":
        raw = request.POST.get("entry", "")
        entry = next((e for e in entries if str(e.pk) == raw), None)
        if request.POST.get("action") == "remove":
            member_id = request.POST.get("member", "")
            member = get_object_or_404(
                CrewMember, entry__event=event, pk=int(member_id) if member_id.isdigit() else 0
            )
            services.remove_crew_member(member=member)
            messages.success(request, _("Crew member removed."))
            return redirect(request.path)
        form = CrewMemberForm(request.POST)
        if entry is None:
            form.add_error(None, _("Choose a crew."))
        elif form.is_valid():
            services.add_crew_member(entry=entry, **form.cleaned_data)
            messages.success(request, _("Crew member added."))
            return redirect(request.path)
    members: dict[int, list[CrewMember]] = {}
    for member in CrewMember.objects.filter(entry__event=event).order_by("pk"):
        members.setdefault(member.entry_id, []).append(member)
    crews = [
        {
            "entry": entry,
            "members": members.get(entry.pk, []),
            "passport": reverse("events:passport", kwargs={"token": passport_token(entry.pk)}),
        }
        for entry in entries
    ]
    context = {
        "organization": event.organization,
        "event": event,
        "session": route.session,
        "route": route,
        "crews": crews,
        "form": form,
    }
    return render(request, "events/regularity/crews_manage.html", context)


@login_required
@require_GET
def roll_call(request: HttpRequest, org_slug: str, slug: str, session_id: int) -> HttpResponse:
    route = _staff_route(request, org_slug, slug, session_id)
    event = route.session.event
    with timezone.override(event.time_zone):
        lines = queries.roll_call(route)
        context = {
            "organization": event.organization,
            "event": event,
            "session": route.session,
            "route": route,
            "lines": lines,
            "arrived": sum(1 for line in lines if line.arrived),
            "last": route.controls.last(),
        }
        return render(request, "events/regularity/roll_call.html", context)


@never_cache
@require_GET
def passport(request: HttpRequest, token: str) -> HttpResponse:
    """A crew's passport: the route's waypoints and which are stamped. Opening it remembers the
    crew on this phone (a signed cookie), so scanning a waypoint's QR code stamps it."""
    entry = _passport_entry(token)
    route = get_object_or_404(
        Route.objects.select_related("session__event"),
        session__event=entry.event_id,
        mode=Route.Mode.TOURING,
    )
    event = route.session.event
    stamps = {
        stamp.control_id: stamp
        for stamp in Stamp.objects.filter(
            control__route=route, car_number=entry.car_number or 0, voided_at__isnull=True
        ).order_by("-at")
    }
    with timezone.override(event.time_zone):
        waypoints = [
            {"control": control, "stamp": stamps.get(control.pk)}
            for control in route.controls.all()
        ]
        response = render(
            request,
            "events/regularity/passport.html",
            {"event": event, "route": route, "entry": entry, "waypoints": waypoints},
        )
    response.set_signed_cookie(
        PASSPORT_COOKIE,
        str(entry.pk),
        salt=PASSPORT_SALT,
        max_age=7 * 24 * 3600,
        httponly=True,
        samesite="Lax",
    )
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def waypoint(request: HttpRequest, token: str) -> HttpResponse:
    control = queries.control_for_waypoint(token)
    event = control.route.session.event
    raw = request.get_signed_cookie(PASSPORT_COOKIE, default="", salt=PASSPORT_SALT) or ""
    entry = (
        Entry.objects.filter(pk=int(raw), event=event, car_number__isnull=False).first()
        if raw.isdigit()
        else None
    )
    if request.method == "POST" and entry is not None and entry.car_number is not None:
        _stamp, fresh = services.stamp_passport(control=control, car_number=entry.car_number)
        if fresh:
            messages.success(request, _("Passport stamped at %(code)s.") % {"code": control.code})
        else:
            messages.info(request, _("Your passport was already stamped here."))
        return redirect(reverse("events:passport", kwargs={"token": passport_token(entry.pk)}))
    context = {"control": control, "event": event, "entry": entry}
    return render(request, "events/regularity/waypoint.html", context)
