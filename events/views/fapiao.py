"""Fapiao: the payer asks for one on their entry; staff work through the event's queue, export
it for their e-fapiao platform and record what it issued; the payer downloads the file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from config.csv_export import csv_attachment
from config.xlsx_export import xlsx_attachment
from events.exceptions import EventsError
from events.forms.fapiao import FapiaoIssueForm, FapiaoRequestForm, FapiaoReversalForm
from events.models import Event, FapiaoRequest
from events.queries.entries import entry_for_driver
from events.queries.events import event_for_staff
from events.queries.fapiao import EXPORT_HEADER, event_queue, export_rows, fapiao_of_event
from events.services.fapiao import issue_fapiao, record_reversal, request_fapiao


@login_required
@require_http_methods(["GET", "POST"])
def entry_fapiao(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_for_driver(request.user, pk)
    fapiao = FapiaoRequest.objects.filter(entry=entry).first()
    initial = (
        {
            "title_type": fapiao.title_type,
            "title": fapiao.title,
            "tax_id": fapiao.tax_id,
            "email": fapiao.email,
        }
        if fapiao
        else {"email": entry.driver.email}
    )
    form = FapiaoRequestForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                request_fapiao(entry=entry, **form.cleaned_data)
            except EventsError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Your fapiao request is saved."))
                return redirect(entry.get_absolute_url())
        status = 400
    context = {"entry": entry, "fapiao": fapiao, "form": form}
    return render(request, "events/fapiao/request.html", context, status=status)


def _file_response(fapiao: FapiaoRequest) -> HttpResponse:
    if not fapiao.file or fapiao.status == FapiaoRequest.Status.WITHDRAWN:
        raise Http404
    extension = (fapiao.file.name or "").rsplit(".", 1)[-1].lower()
    content_type = "application/pdf" if extension == "pdf" else "application/ofd"
    response = FileResponse(
        fapiao.file.open("rb"),
        as_attachment=True,
        filename=f"fapiao-{fapiao.number}.{extension}",
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]


@login_required
def entry_fapiao_file(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_for_driver(request.user, pk)
    fapiao = FapiaoRequest.objects.filter(entry=entry).first()
    if fapiao is None:
        raise Http404
    return _file_response(fapiao)


# --- staff --------------------------------------------------------------------------------------


def _queue_page(
    request: HttpRequest,
    event: Event,
    *,
    forms_for: dict[int, object] | None = None,
    status: int = 200,
) -> HttpResponse:
    chosen = request.GET.get("status", "")
    if chosen not in FapiaoRequest.Status.values:
        chosen = ""
    rows = event_queue(event, status=chosen)
    forms_for = forms_for or {}
    context = {
        "event": event,
        "organization": event.organization,
        "rows": [
            (
                row,
                forms_for.get(row.fapiao.pk)
                or (
                    FapiaoIssueForm(prefix=f"f{row.fapiao.pk}")
                    if row.fapiao.status == FapiaoRequest.Status.REQUESTED
                    else FapiaoReversalForm(prefix=f"f{row.fapiao.pk}")
                ),
            )
            for row in rows
        ],
        "statuses": FapiaoRequest.Status.choices,
        "chosen": chosen,
    }
    return render(request, "events/fapiao/queue.html", context, status=status)


@login_required
def fapiao_queue(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    return _queue_page(request, event_for_staff(request.user, org_slug, slug))


@login_required
def fapiao_export(request: HttpRequest, org_slug: str, slug: str, fmt: str) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    rows = export_rows(event, event_queue(event))
    filename = f"fapiao-{event.slug}"
    if fmt == "xlsx":
        return xlsx_attachment(f"{filename}.xlsx", "发票", EXPORT_HEADER, rows)
    response, writer = csv_attachment(f"{filename}.csv")
    writer.row(EXPORT_HEADER)
    for cells in rows:
        writer.row(cells)
    return response


@login_required
@require_POST
def fapiao_issue(request: HttpRequest, org_slug: str, slug: str, pk: int) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    fapiao = fapiao_of_event(event, pk)
    form = FapiaoIssueForm(request.POST, request.FILES, prefix=f"f{fapiao.pk}")
    if form.is_valid():
        try:
            issue_fapiao(
                fapiao_id=fapiao.pk,
                number=form.cleaned_data["number"],
                file=form.cleaned_data["file"],
                actor=request.user,
            )
        except EventsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Fapiao recorded; the driver can download it now."))
        return redirect("events:fapiao-queue", org_slug=org_slug, slug=slug)
    return _queue_page(request, event, forms_for={fapiao.pk: form}, status=400)


@login_required
@require_POST
def fapiao_reverse(request: HttpRequest, org_slug: str, slug: str, pk: int) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    fapiao = fapiao_of_event(event, pk)
    form = FapiaoReversalForm(request.POST, prefix=f"f{fapiao.pk}")
    if form.is_valid():
        try:
            record_reversal(
                fapiao_id=fapiao.pk,
                number=form.cleaned_data["reversal_number"],
                actor=request.user,
            )
        except EventsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Red-letter fapiao recorded."))
        return redirect("events:fapiao-queue", org_slug=org_slug, slug=slug)
    return _queue_page(request, event, forms_for={fapiao.pk: form}, status=400)


@login_required
def fapiao_file(request: HttpRequest, org_slug: str, slug: str, pk: int) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    return _file_response(fapiao_of_event(event, pk))
