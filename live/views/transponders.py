"""Organizer page to name the board rows of transponders no entry carries, and to map a
transponder before it first crosses the line. Changes go through `live.services`, so the board
of every spectator follows at once."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from live.exceptions import MappingError
from live.forms.transponders import NewTransponderForm, TransponderRowForm
from live.models import LiveSession, LiveTransponder
from live.services.timing import map_transponder, remove_transponder_mapping
from live.services.transponders import ad_hoc_rows
from racing.models import Organization
from racing.queries.organizations import get_organization_for_staff

NEW_PREFIX = "new"


def row_prefix(mapping: LiveTransponder) -> str:
    return f"m{mapping.pk}"


def _live_session(request: HttpRequest, org_slug: str, live_id: int) -> LiveSession:
    """The live session, if it belongs to an event of an organization the user is staff of.

    A live session linked to no event (a replay, the demo) belongs to nobody: admin only.
    """
    organization = get_organization_for_staff(request.user, org_slug)
    return get_object_or_404(
        LiveSession.objects.select_related("event_session__event__organization"),
        pk=live_id,
        event_session__event__organization=organization,
    )


def _organization(live: LiveSession) -> Organization:
    return live.event_session.event.organization  # type: ignore[union-attr]


def page_url(live: LiveSession) -> str:
    return reverse(
        "live:transponders", kwargs={"org_slug": _organization(live).slug, "live_id": live.pk}
    )


def render_page(
    request: HttpRequest,
    live: LiveSession,
    *,
    bound: forms.Form | None = None,
    bound_mapping: LiveTransponder | None = None,
) -> HttpResponse:
    rows = []
    for row in ad_hoc_rows(live):
        mapping = row.mapping
        if bound_mapping is not None and mapping.pk == bound_mapping.pk:
            form = bound
        else:
            form = TransponderRowForm(
                prefix=row_prefix(mapping),
                initial={
                    "number": mapping.number,
                    "name": mapping.name,
                    "class_name": mapping.class_name,
                },
            )
        rows.append((row, form))
    new_form = bound if bound is not None and bound_mapping is None else None
    listed = any(row.mapping.pk == getattr(bound_mapping, "pk", None) for row, _form in rows)
    context = {
        # A change refused for a mapping that is not listed (an entry's transponder).
        "stray_errors": bound.non_field_errors() if bound and bound_mapping and not listed else [],
        "organization": _organization(live),
        "live": live,
        "rows": rows,
        "new_form": new_form or NewTransponderForm(prefix=NEW_PREFIX),
        "finished": live.status == LiveSession.Status.FINISHED,
    }
    return render(request, "live/transponders.html", context, status=200 if bound is None else 400)


def _refused(
    request: HttpRequest,
    live: LiveSession,
    form: forms.Form,
    mapping: LiveTransponder | None = None,
) -> HttpResponse:
    messages.error(request, _("The transponder was not saved: check the form below."))
    return render_page(request, live, bound=form, bound_mapping=mapping)


@login_required
@require_GET
def transponders(request: HttpRequest, org_slug: str, live_id: int) -> HttpResponse:
    return render_page(request, _live_session(request, org_slug, live_id))


@login_required
@require_POST
def transponder_add(request: HttpRequest, org_slug: str, live_id: int) -> HttpResponse:
    live = _live_session(request, org_slug, live_id)
    form = NewTransponderForm(request.POST, prefix=NEW_PREFIX)
    if not form.is_valid():
        return _refused(request, live, form)
    data = form.cleaned_data
    try:
        map_transponder(
            session_id=live.pk,
            transponder=data["transponder"],
            number=data["number"],
            name=data["name"],
            class_name=data["class_name"],
            actor=request.user,
            new=True,
        )
    except MappingError as error:
        form.add_error(error.field, error.message)
        return _refused(request, live, form)
    messages.success(
        request,
        _("Transponder %(transponder)s will show as car %(number)s when it crosses the line.")
        % {"transponder": data["transponder"], "number": data["number"]},
    )
    return redirect(page_url(live))


@login_required
@require_POST
def transponder_edit(
    request: HttpRequest, org_slug: str, live_id: int, mapping_id: int
) -> HttpResponse:
    live = _live_session(request, org_slug, live_id)
    mapping = get_object_or_404(LiveTransponder, pk=mapping_id, session=live)
    form = TransponderRowForm(request.POST, prefix=row_prefix(mapping))
    if not form.is_valid():
        return _refused(request, live, form, mapping)
    data = form.cleaned_data
    try:
        map_transponder(
            session_id=live.pk,
            transponder=mapping.transponder,
            number=data["number"],
            name=data["name"],
            class_name=data["class_name"],
            actor=request.user,
        )
    except MappingError as error:
        form.add_error(error.field, error.message)
        return _refused(request, live, form, mapping)
    values = {"transponder": mapping.transponder, "number": data["number"]}
    if live.status == LiveSession.Status.FINISHED:
        message = _(
            "Transponder %(transponder)s now shows as car %(number)s. Publish the results "
            "(again) for the official results to show it."
        )
    else:
        message = _("Transponder %(transponder)s now shows as car %(number)s.")
    messages.success(request, message % values)
    return redirect(page_url(live))


@login_required
@require_POST
def transponder_remove(
    request: HttpRequest, org_slug: str, live_id: int, mapping_id: int
) -> HttpResponse:
    live = _live_session(request, org_slug, live_id)
    mapping = get_object_or_404(LiveTransponder, pk=mapping_id, session=live)
    try:
        remove_transponder_mapping(
            session_id=live.pk, transponder=mapping.transponder, actor=request.user
        )
    except MappingError as error:
        messages.error(request, error.message)
        return redirect(page_url(live))
    messages.success(
        request,
        _("The mapping of transponder %(transponder)s is removed.")
        % {"transponder": mapping.transponder},
    )
    return redirect(page_url(live))
