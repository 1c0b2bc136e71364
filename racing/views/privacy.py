"""A person's rights over their data (see, download, withdraw consent, delete) and the privacy
notice (docs/privacy.md)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from racing.forms.privacy import DeleteAccountForm
from racing.models import PrivacyRecord
from racing.models.drivers import GUARDIAN_CONSENT_UNDER
from racing.models.organizations import PRIVATE_DATA_DAYS
from racing.models.privacy import CONSENT_VERSION
from racing.queries.drivers import profile_for_user
from racing.queries.personal_data import export_personal_data
from racing.queries.privacy import current_consent
from racing.services.privacy import DeletionRefused, delete_account, withdraw_consent


def privacy_notice(request: HttpRequest) -> HttpResponse:
    context = {
        "consent_version": CONSENT_VERSION,
        "days": PRIVATE_DATA_DAYS,
        "guardian_age": GUARDIAN_CONSENT_UNDER,
    }
    return render(request, "racing/privacy/notice.html", context)


@login_required
def my_privacy(request: HttpRequest) -> HttpResponse:
    profile = profile_for_user(request.user)
    records = (
        PrivacyRecord.objects.filter(profile=profile).select_related("organization")
        if profile
        else PrivacyRecord.objects.none()
    )
    context = {
        "profile": profile,
        "consent": current_consent(profile) if profile else None,
        "consents": profile.consents.all() if profile else [],
        "records": records,
        "delete_form": DeleteAccountForm(),
    }
    return render(request, "racing/privacy/mine.html", context)


@login_required
@require_POST
def consent_withdraw(request: HttpRequest) -> HttpResponse:
    profile = profile_for_user(request.user)
    if profile is None or current_consent(profile) is None:
        messages.info(request, _("There is no consent to withdraw."))
        return redirect("racing:my-privacy")
    withdraw_consent(profile=profile)
    messages.success(
        request,
        _(
            "Consent withdrawn. Staff no longer see your identity, medical and emergency contact "
            "details, events cannot accept new entries from you, and these details will be "
            "deleted at the next daily clean-up."
        ),
    )
    return redirect("racing:my-privacy")


@login_required
def my_data_export(request: HttpRequest) -> HttpResponse:
    profile = profile_for_user(request.user)
    archive = export_personal_data(request.user)
    if profile is not None:
        PrivacyRecord.objects.create(  # type: ignore[misc]
            profile=profile, kind=PrivacyRecord.Kind.EXPORT, actor=request.user
        )
    response = HttpResponse(archive, content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="paddock-my-data-{stamp}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kept = delete_account(user=request.user, replace_name=form.cleaned_data["replace_name"])
        except DeletionRefused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
        else:
            logout(request)
            return render(request, "racing/privacy/deleted.html", {"kept": kept})
    status = 400 if request.method == "POST" else 200
    return render(request, "racing/privacy/delete.html", {"form": form}, status=status)
