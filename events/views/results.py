"""Results pages: public classification, charts, print and CSV; staff entry, upload, publishing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events.engine.charts import lap_chart, lap_time_chart
from events.engine.racetime import format_time
from events.forms.results import (
    TYPED_FIELDS,
    LapsUploadForm,
    ResultsUploadForm,
    typed_records,
    typed_rows_for,
    typed_table,
)
from events.hooks import collect_result_sources, collect_session_replays
from events.models import (
    Event,
    ResultRevision,
    ResultRow,
    ResultStatus,
    Session,
    SessionResult,
)
from events.queries.events import event_for_staff
from events.queries.results import (
    championships_of_event,
    driver_result_rows,
    laps_by_car,
    public_event_sessions,
    result_with_rows,
)
from events.queries.roster import roster_for
from events.services.formats import format_of, import_results_csv
from events.services.results import (
    ResultsError,
    check_laps,
    check_lines,
    make_results_official,
    publish_results,
    replace_laps,
)
from events.services.results_csv import (
    CsvError,
    read_laps_csv,
    read_result_records,
    write_results_csv,
)
from racing.queries.drivers import public_name

# ----------------------------------------------------------------------------- public


RESULTS_CSV_GUIDE = settings.BASE_DIR / "docs" / "RESULTS_CSV.md"


@require_GET
def results_csv_guide(request: HttpRequest) -> HttpResponse:
    """The CSV column guide, served from the one copy in docs/ so the page and the repository
    never disagree. Markdown reads well as plain text; browsers show text/plain inline."""
    try:
        text = RESULTS_CSV_GUIDE.read_text(encoding="utf-8")
    except OSError:
        # An installation without the docs directory: say so, not a server error.
        raise Http404 from None
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _public_event(slug: str) -> Event:
    event = get_object_or_404(Event.objects.select_related("organization"), slug=slug)
    if not event.is_public:
        raise Http404
    return event


def _public_session(slug: str, session_id: int) -> tuple[Event, Session]:
    event = _public_event(slug)
    session = get_object_or_404(Session, pk=session_id, event=event)
    return event, session


def _short_time(ms: int) -> str:
    # Axis labels: tenths are enough and keep the labels narrow on a phone.
    return format_time(ms)[:-2]


def event_results(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event(slug)
    sessions = [
        session
        for session in public_event_sessions(event)
        if getattr(session, "result", None) is not None
    ]
    for session in sessions:
        session.columns_template = format_of(session).columns_template  # type: ignore[attr-defined]
    context = {
        "event": event,
        "sessions": sessions,
        "championships": championships_of_event(event),
    }
    return render(request, "events/results/event_results.html", context)


def session_results(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    event, session = _public_session(slug, session_id)
    result = result_with_rows(session)
    positions, times = laps_by_car(session)
    revisions = list(result.revisions.all()) if result else []
    rows = list(result.rows.all()) if result else []
    shown_revision = None
    if "revision" in request.GET:
        shown_revision = next(
            (r for r in revisions if str(r.number) == request.GET["revision"]), None
        )
        if shown_revision is None:
            raise Http404
        rows = revision_rows(shown_revision)
    multi_class = len({row.class_name for row in rows}) > 1
    if multi_class:
        in_class: dict[str, int] = {}
        for row in rows:
            if row.position:
                in_class[row.class_name] = in_class.get(row.class_name, 0) + 1
                row.class_position = in_class[row.class_name]  # type: ignore[attr-defined]
    context = {
        "event": event,
        "session": session,
        "result": result,
        "rows": rows,
        "multi_class": multi_class,
        "columns_template": format_of(session).columns_template,
        "revisions": revisions,
        "shown_revision": shown_revision,
        "lap_chart": lap_chart(positions),
        "lap_time_chart": lap_time_chart(times, _short_time),
        "replays": collect_session_replays(session),
    }
    return render(request, "events/results/session_results.html", context)


def revision_rows(revision: ResultRevision) -> list[ResultRow]:
    """The rows of an earlier version, as unsaved rows so the same table can show them."""
    names = {field.name for field in ResultRow._meta.concrete_fields} | {"driver_id"}
    return [
        ResultRow(**{name: value for name, value in row.items() if name in names})
        for row in revision.rows
    ]


def session_results_print(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    event, session = _public_session(slug, session_id)
    result = result_with_rows(session)
    if result is None:
        raise Http404
    context = {
        "event": event,
        "session": session,
        "result": result,
        "rows": result.rows.all(),
        "columns_template": format_of(session).columns_template,
    }
    return render(request, "events/results/session_results_print.html", context)


def session_results_csv(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    event, session = _public_session(slug, session_id)
    result = result_with_rows(session)
    if result is None:
        raise Http404
    response = HttpResponse(
        write_results_csv(list(result.rows.all())), content_type="text/csv; charset=utf-8"
    )
    filename = f"{event.slug}-{session.pk}-results.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def driver_results(request: HttpRequest, user_id: int) -> HttpResponse:
    driver = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    rows = list(driver_result_rows(driver))
    own_page = request.user.pk == driver.pk
    if not rows and not own_page:
        # Someone with no public results has no public results page.
        raise Http404
    context = {
        "driver_name": rows[0].driver_name if rows else public_name(driver),
        "rows": rows,
        "own_page": own_page,
    }
    return render(request, "events/results/driver_results.html", context)


# ----------------------------------------------------------------------------- organizer


def _staff_session(
    request: HttpRequest, org_slug: str, slug: str, session_id: int
) -> tuple[Event, Session]:
    event = event_for_staff(request.user, org_slug, slug)
    return event, get_object_or_404(Session, pk=session_id, event=event)


def _manage_url(event: Event) -> str:
    from django.urls import reverse

    return reverse(
        "events:results-manage", kwargs={"org_slug": event.organization.slug, "slug": event.slug}
    )


@login_required
def results_manage(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    sessions = list(public_event_sessions(event))
    for session in sessions:
        session.result_sources = collect_result_sources(session)  # type: ignore[attr-defined]
    return render(
        request, "events/results/manage_results.html", {"event": event, "sessions": sessions}
    )


def _publish(
    request: HttpRequest,
    session: Session,
    lines: list[Any],
    source: str,
    official: bool,
    reason: str,
) -> list[CsvError] | None:
    """Publish, or return the refusal as line errors (line 0: not tied to a line)."""
    try:
        publish_results(
            session=session,
            lines=lines,
            source=source,
            by=request.user,  # type: ignore[arg-type]
            official=official,
            reason=reason,
        )
    except ResultsError as error:
        return [CsvError(0, str(error))]
    return None


@login_required
@require_http_methods(["GET", "POST"])
def results_upload(request: HttpRequest, org_slug: str, slug: str, session_id: int) -> HttpResponse:
    event, session = _staff_session(request, org_slug, slug, session_id)
    existing = SessionResult.objects.filter(session=session).first()
    form = ResultsUploadForm(request.POST or None, request.FILES or None, result=existing)
    errors: list[CsvError] = []
    if request.method == "POST" and form.is_valid():
        imported = import_results_csv(
            session=session,
            data=form.cleaned_data["file"].read(),
            by=request.user,
            official=form.cleaned_data["official"],
            reason=form.cleaned_data["reason"],
        )
        errors = list(imported.errors)
        if not errors:
            messages.success(
                request,
                _("%(count)s result lines saved for %(session)s.")
                % {"count": imported.count, "session": session.display_name},
            )
            return redirect(_manage_url(event))
    status = 400 if errors or form.errors else 200
    context = {
        "event": event,
        "session": session,
        "form": form,
        "errors": errors,
    }
    return render(request, "events/results/results_upload.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def results_edit(request: HttpRequest, org_slug: str, slug: str, session_id: int) -> HttpResponse:
    event, session = _staff_session(request, org_slug, slug, session_id)
    existing = result_with_rows(session)
    errors: list[CsvError] = []
    if request.method == "POST":
        table = typed_table(request.POST)
        roster = roster_for(event)
        lines, errors = read_result_records(
            typed_records(table), lambda items: check_lines(items, roster)
        )
        if not errors:
            refused = _publish(
                request,
                session,
                lines,
                SessionResult.Source.TYPED,
                request.POST.get("official") == "on",
                request.POST.get("reason", ""),
            )
            if refused is None:
                messages.success(
                    request,
                    _("%(count)s result lines saved for %(session)s.")
                    % {"count": len(lines), "session": session.display_name},
                )
                return redirect(_manage_url(event))
            errors = refused
    else:
        table = typed_rows_for(existing, roster_for(event))
    context = {
        "event": event,
        "session": session,
        "result": existing,
        "table": [
            [(name, label, width, row.get(name, "")) for name, label, width in TYPED_FIELDS]
            for row in table
        ],
        "fields": TYPED_FIELDS,
        "statuses": ResultStatus.choices,
        "errors": errors,
        "error_lines": {error.line for error in errors},
        "reason": request.POST.get("reason", ""),
    }
    return render(
        request, "events/results/results_edit.html", context, status=400 if errors else 200
    )


@login_required
@require_POST
def results_official(
    request: HttpRequest, org_slug: str, slug: str, session_id: int
) -> HttpResponse:
    event, session = _staff_session(request, org_slug, slug, session_id)
    result = get_object_or_404(SessionResult, session=session)
    make_results_official(result=result, by=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        _("The results of %(session)s are official.") % {"session": session.display_name},
    )
    return redirect(_manage_url(event))


@login_required
@require_http_methods(["GET", "POST"])
def laps_upload(request: HttpRequest, org_slug: str, slug: str, session_id: int) -> HttpResponse:
    event, session = _staff_session(request, org_slug, slug, session_id)
    form = LapsUploadForm(request.POST or None, request.FILES or None)
    errors: list[CsvError] = []
    if request.method == "POST" and form.is_valid():
        laps, errors = read_laps_csv(form.cleaned_data["file"].read(), check_laps)
        if not errors:
            count = replace_laps(session=session, laps=laps)
            messages.success(request, _("%(count)s laps saved.") % {"count": count})
            return redirect(_manage_url(event))
    status = 400 if errors or form.errors else 200
    context = {"event": event, "session": session, "form": form, "errors": errors}
    return render(request, "events/results/laps_upload.html", context, status=status)
