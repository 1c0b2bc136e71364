"""A driver's own pages: profile, licences and garage."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from racing.forms.drivers import (
    DriverProfileForm,
    EmergencyContactFormSet,
    LicenceForm,
    VehicleForm,
)
from racing.models import DriverProfile, Licence, Vehicle
from racing.queries.drivers import licences_of, profile_for_user, vehicles_of
from racing.queries.privacy import PARTS, current_consent, private_view
from racing.services.drivers import (
    delete_licence,
    delete_vehicle,
    save_driver_profile,
    save_licence,
    save_vehicle,
)
from racing.storage import SCAN_EXTENSIONS, scan_content_type


def _own_profile_or_prompt(request: HttpRequest) -> DriverProfile | HttpResponse:
    profile = profile_for_user(request.user)
    if profile is None:
        # A page, not a redirect: the menu links here for every signed-in user.
        return render(request, "racing/driver/no_profile.html")
    return profile


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    found = _own_profile_or_prompt(request)
    if isinstance(found, HttpResponse):
        return found
    context = {
        "profile": found,
        "licences": licences_of(found),
        "vehicles": vehicles_of(found),
        "show_private": True,
        "own": True,
        "private": private_view(found, parts=PARTS),
    }
    return render(request, "racing/driver/profile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    existing = profile_for_user(request.user)
    has_consent = existing is not None and current_consent(existing) is not None
    form = DriverProfileForm(request.POST or None, instance=existing, has_consent=has_consent)
    initial = (
        list(existing.emergency_contacts.values("name", "relationship", "phone"))
        if existing
        else []
    )
    contacts = EmergencyContactFormSet(request.POST or None, initial=initial, prefix="contacts")
    if request.method == "POST":
        if form.is_valid() and contacts.is_valid():
            save_driver_profile(
                user=request.user,  # type: ignore[arg-type]
                profile=form.save(commit=False),
                contacts=[c for c in contacts.cleaned_data if c],
                consent=form.cleaned_data["sensitive_consent"],
            )
            messages.success(request, _("Profile saved."))
            return redirect("racing:profile")
        status = 400
    else:
        status = 200
    context = {"form": form, "contacts": contacts, "creating": existing is None}
    return render(request, "racing/driver/profile_form.html", context, status=status)


@login_required
def licence_list(request: HttpRequest) -> HttpResponse:
    found = _own_profile_or_prompt(request)
    if isinstance(found, HttpResponse):
        return found
    return render(request, "racing/driver/licence_list.html", {"licences": licences_of(found)})


@login_required
@require_http_methods(["GET", "POST"])
def licence_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is not None:
        get_object_or_404(Licence, pk=pk, profile__user=request.user)
    found = _own_profile_or_prompt(request)
    if isinstance(found, HttpResponse):
        return found
    licence = get_object_or_404(Licence, pk=pk, profile=found) if pk else Licence(profile=found)
    form = LicenceForm(request.POST or None, request.FILES or None, instance=licence)
    if request.method == "POST":
        if form.is_valid():
            save_licence(profile=found, licence=form.save(commit=False))
            messages.success(request, _("Licence saved."))
            return redirect("racing:licence-list")
        return _form_page(request, "racing/driver/licence_form.html", form, licence, 400)
    return _form_page(request, "racing/driver/licence_form.html", form, licence, 200)


@login_required
@require_POST
def licence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(Licence, pk=pk, profile__user=request.user)
    with transaction.atomic():
        delete_licence(licence=licence)
    messages.success(request, _("Licence removed."))
    return redirect("racing:licence-list")


@login_required
def licence_document(request: HttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(Licence, pk=pk, profile__user=request.user)
    return private_document_response(licence)


def private_document_response(licence: Licence) -> HttpResponse:
    """The scan as a download, typed by what its bytes are rather than by its name.

    Never inline: a file stored before scans were checked by content (or one that fooled the
    check) is then only saved, never rendered by the browser on our origin. A file that is no
    longer a scan we take is sent as opaque bytes.
    """
    if not licence.document:
        raise Http404
    document = licence.document.open("rb")
    content_type = scan_content_type(document) or "application/octet-stream"
    extension = SCAN_EXTENSIONS.get(content_type, "bin")
    response = FileResponse(
        document,
        as_attachment=True,
        filename=f"licence-{licence.pk}.{extension}",
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]


@login_required
def vehicle_list(request: HttpRequest) -> HttpResponse:
    found = _own_profile_or_prompt(request)
    if isinstance(found, HttpResponse):
        return found
    return render(request, "racing/driver/vehicle_list.html", {"vehicles": vehicles_of(found)})


@login_required
@require_http_methods(["GET", "POST"])
def vehicle_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is not None:
        get_object_or_404(Vehicle, pk=pk, owner__user=request.user)
    found = _own_profile_or_prompt(request)
    if isinstance(found, HttpResponse):
        return found
    vehicle = get_object_or_404(Vehicle, pk=pk, owner=found) if pk else Vehicle(owner=found)
    form = VehicleForm(request.POST or None, instance=vehicle)
    if request.method == "POST":
        if form.is_valid():
            save_vehicle(owner=found, vehicle=form.save(commit=False))
            messages.success(request, _("Vehicle saved."))
            return redirect("racing:vehicle-list")
        return _form_page(request, "racing/driver/vehicle_form.html", form, vehicle, 400)
    return _form_page(request, "racing/driver/vehicle_form.html", form, vehicle, 200)


@login_required
@require_POST
def vehicle_delete(request: HttpRequest, pk: int) -> HttpResponse:
    vehicle = get_object_or_404(Vehicle, pk=pk, owner__user=request.user)
    delete_vehicle(vehicle=vehicle)
    messages.success(request, _("Vehicle removed."))
    return redirect("racing:vehicle-list")


def _form_page(
    request: HttpRequest, template: str, form: Any, instance: Any, status: int
) -> HttpResponse:
    return render(request, template, {"form": form, "object": instance}, status=status)
