"""Organizer pages for competition classes and for the drivers who entered their events."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from racing.engine.eligibility import ClassRules
from racing.engine.presets import PRESETS, preset_for
from racing.forms.classes import (
    BaseLicenceRequirementFormSet,
    CompetitionClassForm,
    LicenceRequirementFormSet,
    RulesForm,
    build_rules,
)
from racing.forms.privacy import RevealForm
from racing.models import CompetitionClass, DriverProfile, Licence, Organization
from racing.queries.drivers import classes_of, licences_of, vehicles_of
from racing.queries.organizations import get_membership
from racing.queries.privacy import (
    IDENTITY,
    has_entered,
    private_access,
    private_view,
    recently_revealed,
)
from racing.services.classes import archive_competition_class, save_competition_class
from racing.services.drivers import verify_licence
from racing.services.privacy import record_reveal
from racing.views.drivers import private_document_response
from racing.views.rules_text import describe_rules


@login_required
def class_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    membership = get_membership(request.user, org_slug)
    organization = membership.organization
    show_archived = request.GET.get("archived") == "1"
    context = {
        "organization": organization,
        "classes": classes_of(organization.pk, include_archived=show_archived),
        "show_archived": show_archived,
        "templates": [(key, _(preset.label)) for key, preset in PRESETS.items()],
    }
    return render(request, "racing/classes/class_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def class_edit(request: HttpRequest, org_slug: str, class_slug: str | None = None) -> HttpResponse:
    organization = get_membership(request.user, org_slug).organization
    if class_slug is None:
        # `?tier=` is what older links say; it finds a template only when the tier has one.
        preset = preset_for(request.GET.get("preset") or request.GET.get("tier", ""))
        competition_class = CompetitionClass(
            organization=organization,
            tier=preset.tier if preset else "",
            discipline=preset.discipline if preset else "",
        )
        rules = preset.rules if preset else ClassRules()
    else:
        competition_class = get_object_or_404(
            CompetitionClass, organization=organization, slug=class_slug
        )
        rules = competition_class.eligibility_rules
    data = request.POST if request.method == "POST" else None
    form = CompetitionClassForm(data, instance=competition_class, organization=organization)
    rules_form = RulesForm(data, initial=RulesForm.initial_from(rules), prefix="rules")
    licence_formset = LicenceRequirementFormSet(
        data, initial=BaseLicenceRequirementFormSet.initial_from(rules), prefix="licences"
    )
    if request.method == "POST":
        valid = form.is_valid() & rules_form.is_valid() & licence_formset.is_valid()
        built = build_rules(rules_form, licence_formset) if valid else None  # type: ignore[arg-type]
        if built is not None:
            saved = save_competition_class(
                organization=organization,
                competition_class=form.save(commit=False),
                rules=built,
            )
            messages.success(request, _("Class saved."))
            return redirect(saved.get_absolute_url())
    context = {
        "organization": organization,
        "form": form,
        "rules_form": rules_form,
        "licence_formset": licence_formset,
        "competition_class": competition_class,
        "creating": class_slug is None,
        "presets": [(key, _(preset.label)) for key, preset in PRESETS.items()],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "racing/classes/class_form.html", context, status=status)


@login_required
def class_detail(request: HttpRequest, org_slug: str, class_slug: str) -> HttpResponse:
    organization = get_membership(request.user, org_slug).organization
    competition_class = get_object_or_404(
        CompetitionClass, organization=organization, slug=class_slug
    )
    context = {
        "organization": organization,
        "competition_class": competition_class,
        "rule_lines": describe_rules(competition_class.eligibility_rules),
    }
    return render(request, "racing/classes/class_detail.html", context)


@login_required
@require_POST
def class_archive(request: HttpRequest, org_slug: str, class_slug: str) -> HttpResponse:
    organization = get_membership(request.user, org_slug).organization
    competition_class = get_object_or_404(
        CompetitionClass, organization=organization, slug=class_slug
    )
    archived = request.POST.get("archived", "1") == "1"
    archive_competition_class(competition_class=competition_class, archived=archived)
    messages.success(request, _("Class archived.") if archived else _("Class restored."))
    return redirect(competition_class.get_absolute_url())


def _entered_driver(
    request: HttpRequest, org_slug: str, profile_id: int
) -> tuple[Organization, DriverProfile]:
    organization = get_membership(request.user, org_slug).organization
    profile = get_object_or_404(DriverProfile.objects.select_related("user"), pk=profile_id)
    # Staff only ever see drivers who entered one of their events; others are 404, not 403,
    # so staff cannot probe which ids exist.
    if not has_entered(profile, organization.pk):
        raise Http404
    return organization, profile


def _driver_page(
    request: HttpRequest,
    organization: Organization,
    profile: DriverProfile,
    *,
    reveal_form: RevealForm | None = None,
    revealed: bool = False,
    status: int = 200,
) -> HttpResponse:
    access = private_access(request.user, profile, organization.pk)
    context = {
        "organization": organization,
        "profile": profile,
        "licences": licences_of(profile),
        "vehicles": vehicles_of(profile),
        "show_private": access.see,
        "can_reveal": access.reveal,
        "private": private_view(profile, parts=access.parts if revealed else frozenset()),
        "reveal_form": reveal_form or RevealForm(),
    }
    return render(request, "racing/classes/organizer_driver.html", context, status=status)


@login_required
def organizer_driver(request: HttpRequest, org_slug: str, profile_id: int) -> HttpResponse:
    organization, profile = _entered_driver(request, org_slug, profile_id)
    return _driver_page(request, organization, profile)


@login_required
@require_POST
def organizer_driver_reveal(request: HttpRequest, org_slug: str, profile_id: int) -> HttpResponse:
    """Show the full private data, once, to an official of one of the driver's events, who says
    why; the reveal is recorded and listed to the driver. The values are only in this response."""
    organization, profile = _entered_driver(request, org_slug, profile_id)
    if not private_access(request.user, profile, organization.pk).reveal:
        raise PermissionDenied
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _driver_page(request, organization, profile, reveal_form=form, status=400)
    record_reveal(
        profile=profile,
        organization=organization,
        actor=request.user,
        reason=form.cleaned_data["reason"],
    )
    response = _driver_page(request, organization, profile, revealed=True)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def licence_verify(
    request: HttpRequest, org_slug: str, profile_id: int, licence_id: int
) -> HttpResponse:
    organization, profile = _entered_driver(request, org_slug, profile_id)
    licence = get_object_or_404(Licence, pk=licence_id, profile=profile)
    verify_licence(licence=licence, verified_by=request.user)  # type: ignore[arg-type]
    messages.success(
        request, _("Licence %(number)s marked as verified.") % {"number": licence.number}
    )
    return redirect("racing:organizer-driver", org_slug=organization.slug, profile_id=profile.pk)


@login_required
def organizer_licence_document(
    request: HttpRequest, org_slug: str, profile_id: int, licence_id: int
) -> HttpResponse:
    organization, profile = _entered_driver(request, org_slug, profile_id)
    licence = get_object_or_404(Licence, pk=licence_id, profile=profile)
    # A scan is opened from a page revealed a moment ago: the reveal is the record of why.
    access = private_access(request.user, profile, organization.pk)
    if IDENTITY not in access.parts or not recently_revealed(
        profile=profile, organization=organization, actor=request.user
    ):
        raise PermissionDenied
    return private_document_response(licence)
