"""Organizer pages for an organization's events. Every view starts with a permission-checked
getter: non-members get 404, so another club's events are not even confirmed to exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from events.exceptions import EventsError
from events.forms.events import (
    CancelEventForm,
    DuplicateEventForm,
    EntryClassForm,
    EventForm,
    SessionForm,
)
from events.models import EntryClass, Event, Session
from events.queries import events as queries
from events.services import events as services
from events.services import notifications
from events.services.deposits import held_at_track
from racing.queries.organizations import get_organization_for_staff

# The newest failures; staff re-send them all with one button, so a long list adds nothing.
MAIL_FAILURES_SHOWN = 50


def _apply(form: BaseForm, action: Callable[[], Any]) -> Any:
    """Run a service with the form's data; its refusals become form errors, not 500s."""
    try:
        return action()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
    except EventsError as exc:
        form.add_error(None, str(exc))
    return None


@login_required
def event_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = get_organization_for_staff(request.user, org_slug)
    context = {
        "organization": organization,
        "events": queries.organization_events(organization),
    }
    return render(request, "events/manage/event_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = get_organization_for_staff(request.user, org_slug)
    with timezone.override(organization.time_zone):
        form = EventForm(
            request.POST or None,
            request.FILES or None,
            initial={"time_zone": organization.time_zone},
        )
        if request.method == "POST" and form.is_valid():
            event = _apply(
                form, lambda: services.create_event(organization=organization, **form.cleaned_data)
            )
            if event is not None:
                messages.success(request, _("Event created as a draft."))
                return redirect(event.get_manage_url())
        context = {"organization": organization, "form": form, "creating": True}
        return render(request, "events/manage/event_form.html", context)


@login_required
def event_manage(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    event = queries.event_for_staff(request.user, org_slug, slug, with_schedule=True)
    with timezone.override(event.time_zone):
        context = {
            "organization": event.organization,
            "event": event,
            "session_form": SessionForm(),
            "class_form": EntryClassForm(organization=event.organization),
            "editable": event.status in services.EDITABLE_STATUSES,
            "publish_blockers": (
                services.publish_blockers(event) if event.status == Event.Status.DRAFT else []
            ),
            "failed_mail": notifications.failed_mail(event)[:MAIL_FAILURES_SHOWN],
        }
        return render(request, "events/manage/event_manage.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    event = queries.event_for_staff(request.user, org_slug, slug, with_schedule=True)
    with timezone.override(event.time_zone):
        form = EventForm(request.POST or None, request.FILES or None, instance=event)
        if request.method == "POST" and form.is_valid():
            fields = dict(form.cleaned_data)
            if fields.get("poster") is False:
                fields["poster"] = ""
            updated = _apply(form, lambda: services.update_event(event=event, **fields))
            if updated is not None:
                messages.success(request, _("Event saved."))
                return redirect(updated.get_manage_url())
        context = {"organization": event.organization, "event": event, "form": form}
        return render(request, "events/manage/event_form.html", context)


@login_required
@require_POST
def event_publish(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    event = queries.event_for_staff(request.user, org_slug, slug, with_schedule=True)
    try:
        services.publish_event(event=event)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except EventsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Event published."))
    return redirect(event.get_manage_url())


def _cash_deposits_message(count: int) -> str:
    return ngettext(
        "%(count)s damage deposit was taken in cash at the track. Cancelling cannot return it: "
        "hand it back to the driver, then release it on the entry's page. Card authorisations "
        "are released automatically.",
        "%(count)s damage deposits were taken in cash at the track. Cancelling cannot return "
        "them: hand each back to its driver, then release it on the entry's page. Card "
        "authorisations are released automatically.",
        count,
    ) % {"count": count}


@login_required
@require_http_methods(["GET", "POST"])
def event_cancel(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    event = queries.event_for_staff(request.user, org_slug, slug, with_schedule=True)
    form = CancelEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        if _apply(form, lambda: services.cancel_event(event=event, reason=reason)):
            messages.success(request, _("Event cancelled."))
            cash = held_at_track(event.pk)
            if cash:
                messages.warning(request, _cash_deposits_message(cash))
            return redirect(event.get_manage_url())
    cash = held_at_track(event.pk)
    context = {
        "organization": event.organization,
        "event": event,
        "form": form,
        "cash_deposits": _cash_deposits_message(cash) if cash else "",
    }
    return render(request, "events/manage/event_cancel.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_duplicate(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    event = queries.event_for_staff(request.user, org_slug, slug, with_schedule=True)
    with timezone.override(event.time_zone):
        form = DuplicateEventForm.for_event(event, request.POST or None)
        if request.method == "POST" and form.is_valid():
            copy = _apply(
                form,
                lambda: services.duplicate_event(
                    event=event,
                    starts_at=form.cleaned_data["starts_at"],
                    title=form.cleaned_data["title"],
                ),
            )
            if copy is not None:
                messages.success(request, _("Copy created as a draft. Check it, then publish."))
                return redirect(copy.get_manage_url())
        context = {"organization": event.organization, "event": event, "form": form}
        return render(request, "events/manage/event_duplicate.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_form(
    request: HttpRequest, org_slug: str, slug: str, pk: int | None = None
) -> HttpResponse:
    event = queries.event_for_staff(request.user, org_slug, slug, with_schedule=True)
    session = get_object_or_404(Session, event=event, pk=pk) if pk else Session(event=event)
    with timezone.override(event.time_zone):
        form = SessionForm(request.POST or None, instance=session)
        if request.method == "POST" and form.is_valid():
            if pk:
                action = lambda: services.update_session(session=session, **form.cleaned_data)  # noqa: E731
            else:
                action = lambda: services.add_session(event=event, **form.cleaned_data)  # noqa: E731
            if _apply(form, action) is not None:
                messages.success(request, _("Schedule saved."))
                return redirect(event.get_manage_url())
        context = {
            "organization": event.organization,
            "event": event,
            "form": form,
            "object": session,
        }
        return render(request, "events/manage/session_form.html", context)


@login_required
@require_POST
def session_delete(request: HttpRequest, org_slug: str, slug: str, pk: int) -> HttpResponse:
    event = queries.event_for_staff(request.user, org_slug, slug, with_schedule=True)
    session = get_object_or_404(Session, event=event, pk=pk)
    try:
        services.delete_session(session=session)
    except EventsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Session removed."))
    return redirect(event.get_manage_url())


@login_required
@require_http_methods(["GET", "POST"])
def entry_class_form(
    request: HttpRequest, org_slug: str, slug: str, pk: int | None = None
) -> HttpResponse:
    event = queries.event_for_staff(request.user, org_slug, slug, with_schedule=True)
    entry_class = (
        get_object_or_404(EntryClass, event=event, pk=pk) if pk else EntryClass(event=event)
    )
    with timezone.override(event.time_zone):
        form = EntryClassForm(
            request.POST or None, instance=entry_class, organization=event.organization
        )
        if request.method == "POST" and form.is_valid():
            if pk:
                action = lambda: services.update_entry_class(  # noqa: E731
                    entry_class=entry_class, **form.cleaned_data
                )
            else:
                action = lambda: services.add_entry_class(event=event, **form.cleaned_data)  # noqa: E731
            if _apply(form, action) is not None:
                messages.success(request, _("Entry class saved."))
                return redirect(event.get_manage_url())
        context = {
            "organization": event.organization,
            "event": event,
            "form": form,
            "object": entry_class,
        }
        return render(request, "events/manage/entry_class_form.html", context)


@login_required
@require_POST
def entry_class_delete(request: HttpRequest, org_slug: str, slug: str, pk: int) -> HttpResponse:
    event = queries.event_for_staff(request.user, org_slug, slug, with_schedule=True)
    entry_class = get_object_or_404(EntryClass, event=event, pk=pk)
    try:
        services.delete_entry_class(entry_class=entry_class)
    except EventsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Entry class removed."))
    return redirect(event.get_manage_url())
