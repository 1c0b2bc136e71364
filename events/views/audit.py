"""The event's audit trail for its organization's staff: a page and a CSV of the same rows."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from config.csv_export import csv_attachment
from events.forms.audit import AuditFilterForm
from events.models import Event
from events.queries.audit import PAGE_SIZE, audit_rows, present
from events.queries.events import event_for_staff
from racing.queries.drivers import staff_name


def _filters(request: HttpRequest) -> AuditFilterForm:
    form = AuditFilterForm(request.GET)
    form.is_valid()  # invalid fields are left out of cleaned_data, and their errors shown
    return form


def _valid_filters(form: AuditFilterForm) -> dict[str, object]:
    # A start after the end is a form-wide error: neither date is used then.
    if form.non_field_errors():
        return {k: v for k, v in form.cleaned_data.items() if k not in ("since", "until")}
    return form.cleaned_data


def _audit_url(event: Event) -> str:
    return reverse(
        "events:manage-audit", kwargs={"org_slug": event.organization.slug, "slug": event.slug}
    )


@login_required
def manage_audit(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    form = _filters(request)
    rows = audit_rows(event, _valid_filters(form))
    # get_page: a page that is not a number is the first, one past the end is the last.
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "event": event,
        "form": form,
        "page": page,
        "rows": [present(row, event) for row in page.object_list],
        "query": query.urlencode(),
    }
    return render(request, "events/manage/audit.html", context)


@login_required
def manage_audit_csv(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    form = _filters(request)
    if form.errors:
        # The page shows what is wrong with the filters; an export of other rows would mislead.
        return redirect(f"{_audit_url(event)}?{request.GET.urlencode()}")
    response, export = csv_attachment(f"{event.slug}-audit.csv")
    export.row(
        [
            _("When"),
            _("By"),
            _("Entry"),
            _("Car number"),
            _("What"),
            _("Change"),
            _("Detail"),
            _("Code"),
        ]
    )
    for row in audit_rows(event, form.cleaned_data).iterator(chunk_size=500):
        shown = present(row, event)
        entry = row.entry
        export.row(
            [
                shown.at.strftime("%Y-%m-%d %H:%M:%S"),
                shown.actor,
                shown.entry_label if entry is None else staff_name(entry.driver),
                "" if entry is None or entry.car_number is None else entry.car_number,
                shown.sentence,
                shown.change,
                shown.detail,
                row.action,
            ]
        )
    return response
