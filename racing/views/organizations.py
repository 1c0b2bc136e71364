from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from racing.exceptions import InvitationError
from racing.forms.organizations import InvitationForm, OrganizationForm
from racing.hooks import collect_organizer_links
from racing.models import Invitation, Membership
from racing.queries.organizations import get_membership
from racing.services.organizations import (
    Invited,
    accept_invitation,
    create_organization,
    invite_staff,
    resend_invitation,
)
from racing.typing import AuthenticatedHttpRequest


@login_required
def organizer_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("organization")
        .order_by("organization__name")
    )
    return render(request, "racing/organizer_home.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None, initial={"contact_email": request.user.email})
    if request.method == "POST" and form.is_valid():
        organization = create_organization(owner=request.user, **form.cleaned_data)
        messages.success(request, _("Organization created. You are its owner."))
        return redirect(organization.get_absolute_url())
    return render(request, "racing/organization_form.html", {"form": form, "creating": True})


@login_required
def organization_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request.user, slug)
    organization = membership.organization
    context = {
        "membership": membership,
        "organization": organization,
        "members": organization.memberships.select_related("user").order_by("role", "user__email"),
        "invitations": organization.invitations.filter(accepted_at__isnull=True)
        if membership.is_owner
        else Invitation.objects.none(),
        "invitation_form": InvitationForm() if membership.is_owner else None,
        "organizer_links": collect_organizer_links(organization, membership),
    }
    return render(request, "racing/organization_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = get_membership(request.user, slug, owner=True).organization
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Organization saved."))
        return redirect(organization.get_absolute_url())
    return render(
        request, "racing/organization_form.html", {"form": form, "organization": organization}
    )


@login_required
@require_POST
def invitation_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request.user, slug, owner=True)
    organization = membership.organization
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invited = invite_staff(
                organization=organization,
                invited_by=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except InvitationError as exc:
            form.add_error("email", str(exc))
        else:
            _report_invitation_mail(request, invited)
            return redirect(organization.get_absolute_url())
    context = {
        "membership": membership,
        "organization": organization,
        "members": organization.memberships.select_related("user"),
        "invitations": organization.invitations.filter(accepted_at__isnull=True),
        "invitation_form": form,
        "organizer_links": collect_organizer_links(organization, membership),
    }
    return render(request, "racing/organization_detail.html", context, status=400)


def _report_invitation_mail(request: AuthenticatedHttpRequest, invited: Invited) -> None:
    email = invited.invitation.email
    if invited.mail_failed:
        # The invitation is saved either way; the owner can send it again from the list.
        messages.warning(
            request,
            _(
                "The invitation for %(email)s is saved, but the e-mail could not be sent just "
                "now. Use “Send again” in the list of pending invitations later."
            )
            % {"email": email},
        )
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})


@login_required
@require_POST
def invitation_resend(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = get_membership(request.user, slug, owner=True).organization
    try:
        invited = resend_invitation(organization=organization, invitation_id=pk)
    except InvitationError as exc:
        messages.error(request, str(exc))
    else:
        _report_invitation_mail(request, invited)
    return redirect(organization.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.objects.select_related("organization").filter(token=token).first()
    if request.method == "POST":
        try:
            membership = accept_invitation(token=token, user=request.user)
        except InvitationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("You joined %(name)s.") % {"name": membership.organization.name}
            )
            return redirect(membership.organization.get_absolute_url())
    return render(request, "racing/invitation_accept.html", {"invitation": invitation})
