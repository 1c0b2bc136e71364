"""An event's officials (who may reveal drivers' private data) and the organization's schedule
of when drivers' private data stops being visible and is deleted."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.exceptions import EventsError
from events.forms.officials import OfficialForm
from events.queries.events import event_for_staff
from events.queries.privacy import officials_of, retention_schedule
from events.services.officials import add_official, member_choices, remove_official
from racing.queries.organizations import get_membership, get_organization_for_staff


@login_required
def event_officials(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    """The list for any staff member; adding and removing is for owners (it grants reveals)."""
    event = event_for_staff(request.user, org_slug, slug)
    is_owner = get_membership(request.user, org_slug).is_owner
    form = OfficialForm(request.POST or None, members=member_choices(event))
    status = 200
    if request.method == "POST":
        get_membership(request.user, org_slug, owner=True)
        if form.is_valid():
            try:
                add_official(
                    event=event,
                    user_id=form.cleaned_data["user"],
                    duty=form.cleaned_data["duty"],
                )
            except EventsError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Official added."))
                return redirect("events:event-officials", org_slug=org_slug, slug=slug)
        status = 400
    context = {
        "organization": event.organization,
        "event": event,
        "officials": officials_of(event),
        "form": form,
        "is_owner": is_owner,
    }
    return render(request, "events/manage/officials.html", context, status=status)


@login_required
@require_POST
def event_official_remove(request: HttpRequest, org_slug: str, slug: str, pk: int) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    get_membership(request.user, org_slug, owner=True)
    remove_official(event=event, official_id=pk)
    messages.success(request, _("Official removed."))
    return redirect("events:event-officials", org_slug=org_slug, slug=slug)


@login_required
def retention(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = get_organization_for_staff(request.user, org_slug)
    context = {"organization": organization, "rows": retention_schedule(organization)}
    return render(request, "events/manage/retention.html", context)
