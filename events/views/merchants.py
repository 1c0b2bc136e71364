"""The owner's page of the organization's own WeChat Pay and Alipay accounts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events.forms.merchants import AlipayForm, MerchantForm, WeChatPayForm
from events.models import MerchantAccount, Provider
from events.services.merchants import check_connection, save_account
from racing.models import Organization
from racing.queries.organizations import get_organization_for_staff

FORMS: dict[str, type[MerchantForm]] = {"wechatpay": WeChatPayForm, "alipay": AlipayForm}


def _form(
    form_class: type[MerchantForm], account: MerchantAccount | None, data: object = None
) -> MerchantForm:
    initial = {}
    stored: set[str] = set()
    if account is not None:
        initial = {
            "enabled": account.enabled,
            "app_id": account.app_id,
            "merchant_id": account.merchant_id,
            "key_serial": account.key_serial,
            "platform_serial": account.platform_serial,
        }
        try:
            stored = {name for name, value in account.secrets.items() if value}
        except ValueError:
            stored = set()
    return form_class(data, initial=initial, stored=stored, prefix=form_class.provider)


def _page(
    request: HttpRequest, organization: Organization, bound: MerchantForm | None = None
) -> HttpResponse:
    accounts = {a.provider: a for a in organization.merchant_accounts.all()}
    sections = []
    for provider, form_class in FORMS.items():
        account = accounts.get(provider)
        form = bound if bound is not None and bound.provider == provider else None
        sections.append(
            {
                "provider": provider,
                "title": Provider(provider).label,
                "account": account,
                "form": form or _form(form_class, account),
                "notify_url": request.build_absolute_uri(account.notify_url()) if account else "",
            }
        )
    context = {"organization": organization, "sections": sections}
    return render(
        request,
        "events/merchants/settings.html",
        context,
        status=400 if bound is not None else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def merchant_settings(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = get_organization_for_staff(request.user, org_slug, owner=True)
    if request.method == "GET":
        return _page(request, organization)
    form_class = FORMS.get(request.POST.get("provider", ""))
    if form_class is None:
        raise Http404
    account = organization.merchant_accounts.filter(provider=form_class.provider).first()
    form = _form(form_class, account, request.POST)
    if not form.is_valid():
        return _page(request, organization, form)
    data = form.cleaned_data
    account = save_account(
        organization=organization,
        provider=form_class.provider,
        app_id=data["app_id"],
        merchant_id=data.get("merchant_id") or "",
        key_serial=data.get("key_serial") or "",
        platform_serial=data.get("platform_serial") or "",
        secrets=form.secrets(),
        enabled=data["enabled"],
    )
    messages.success(request, _("Saved. Test the connection before taking payments."))
    if not account.test_passed:
        account = check_connection(account_id=account.pk)
        _report_test(request, account)
    return redirect("events:merchant-settings", org_slug=organization.slug)


def _report_test(request: HttpRequest, account: MerchantAccount) -> None:
    if account.test_passed:
        messages.success(request, account.test_message)
    else:
        messages.error(
            request,
            _("The connection test failed: %(reason)s") % {"reason": account.test_message},
        )


@login_required
@require_POST
def merchant_test(request: HttpRequest, org_slug: str, provider: str) -> HttpResponse:
    organization = get_organization_for_staff(request.user, org_slug, owner=True)
    account = organization.merchant_accounts.filter(provider=provider).first()
    if account is None:
        raise Http404
    _report_test(request, check_connection(account_id=account.pk))
    return redirect("events:merchant-settings", org_slug=organization.slug)
