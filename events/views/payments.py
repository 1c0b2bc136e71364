"""WeChat Pay and Alipay: their notification addresses (one per organizer's account) and the
page showing a WeChat Pay QR code on a desktop."""

from __future__ import annotations

import logging

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from events.exceptions import EventsError
from events.gateways import wechatpay
from events.gateways.base import Client, InvalidNotification, PaymentProviderError
from events.models import Entry, MerchantAccount, Payment, Provider
from events.queries.entries import entry_for_driver
from events.services.checkout import start_checkout
from events.services.merchants import (
    absolute_url,
    enabled_account,
    jsapi_bridge,
    read_notification,
    wechat_openid,
    wechat_sign_in_address,
)
from events.services.webhooks import handle_notification

logger = logging.getLogger(__name__)


def _notification(request: HttpRequest, account_id: int, provider: str) -> tuple[int, str]:
    """(HTTP status, what went wrong) after verifying and applying one notification."""
    account = get_object_or_404(MerchantAccount, pk=account_id, provider=provider)
    try:
        notification = read_notification(account, request.headers, request.body)
    except InvalidNotification as exc:
        logger.warning("refused a %s notification for account %s: %s", provider, account_id, exc)
        return 400, "invalid notification"
    try:
        handle_notification(account=account, notification=notification)
    except OperationalError:
        # A lock wait timed out: nothing was stored, and the provider retries an error later.
        logger.warning("%s notification %s hit a lock timeout", provider, notification.id)
        return 503, "busy, retry"
    return 200, ""


@csrf_exempt
@require_POST
def wechatpay_notify(request: HttpRequest, account_id: int) -> HttpResponse:
    status, problem = _notification(request, account_id, Provider.WECHATPAY)
    if status == 200:
        return HttpResponse(status=204)
    # WeChat Pay reads a failure as any 4xx/5xx with this body, and delivers again later.
    return JsonResponse({"code": "FAIL", "message": problem}, status=status)


@csrf_exempt
@require_POST
def alipay_notify(request: HttpRequest, account_id: int) -> HttpResponse:
    status, _problem = _notification(request, account_id, Provider.ALIPAY)
    # Alipay stops delivering when, and only when, the body is exactly "success".
    return HttpResponse(
        "success" if status == 200 else "fail", status=status, content_type="text/plain"
    )


SIGN_IN_SALT = "paddock.wechat-sign-in"
SIGN_IN_MAX_AGE = 10 * 60


def wechat_sign_in(request: HttpRequest, entry: Entry) -> str:
    """The address of WeChat's silent sign-in for this entry's payer, or "" when the club's
    WeChat Pay account has no official-account AppSecret."""
    account = enabled_account(entry.event.organization_id, Provider.WECHATPAY)
    if account is None:
        return ""
    return wechat_sign_in_address(
        account,
        redirect_uri=absolute_url(reverse("events:entry-pay-wechat-signed-in", args=[entry.pk])),
        state=signing.dumps(entry.pk, salt=SIGN_IN_SALT, compress=True),
    )


@login_required
def wechatpay_signed_in(request: HttpRequest, pk: int) -> HttpResponse:
    """Back from WeChat's sign-in with a code: the openid it stands for pays by JSAPI."""
    entry = entry_for_driver(request.user, pk)
    try:
        signed_pk = signing.loads(
            request.GET.get("state", ""), salt=SIGN_IN_SALT, max_age=SIGN_IN_MAX_AGE
        )
    except signing.BadSignature:
        signed_pk = None
    account = enabled_account(entry.event.organization_id, Provider.WECHATPAY)
    code = request.GET.get("code", "")
    if signed_pk != entry.pk or account is None or not code:
        messages.error(request, _("The WeChat sign-in did not come back for this entry."))
        return redirect(entry.get_absolute_url())
    try:
        openid = wechat_openid(account, code=code)
        payment = start_checkout(
            entry_id=entry.pk,
            driver=request.user,
            provider=Provider.WECHATPAY,
            client=Client.WECHAT,
            payer_ip=request.META.get("REMOTE_ADDR", "127.0.0.1"),
            openid=openid,
        )
    except (EventsError, PaymentProviderError) as exc:
        messages.error(request, str(exc))
        return redirect(entry.get_absolute_url())
    return redirect("events:entry-pay-wechat", pk=entry.pk, payment_id=payment.pk)


def _jsapi_page(request: HttpRequest, entry: Entry, payment: Payment) -> HttpResponse:
    try:
        bridge = jsapi_bridge(payment)
    except PaymentProviderError as exc:
        messages.error(request, str(exc))
        return redirect(entry.get_absolute_url())
    context = {
        "entry": entry,
        "payment": payment,
        "amount": payment.amount,
        "bridge": bridge,
        "paid_url": reverse("events:entry-paid", args=[entry.pk]) + f"?payment={payment.pk}",
    }
    return render(request, "events/entries/wechatpay_jsapi.html", context)


@login_required
def wechatpay_qr(request: HttpRequest, pk: int, payment_id: int) -> HttpResponse:
    """WeChat Pay on our page: Native shows the QR code to scan with WeChat, and the page reloads
    itself and moves on once the notification confirmed the payment; JSAPI (inside WeChat)
    opens WeChat's own payment sheet."""
    entry = entry_for_driver(request.user, pk)
    payment = entry.payments.filter(pk=payment_id, method=Payment.Method.WECHATPAY).first()
    if payment is None or not payment.checkout_url.startswith(
        ("weixin://", wechatpay.JSAPI_PREFIX)
    ):
        raise Http404
    if payment.status == Payment.Status.SUCCEEDED:
        messages.success(request, _("Payment received: your entry is confirmed."))
        return redirect(entry.get_absolute_url())
    if payment.status != Payment.Status.PENDING:
        messages.error(request, _("This payment is closed. Please start again."))
        return redirect(entry.get_absolute_url())
    if payment.checkout_url.startswith(wechatpay.JSAPI_PREFIX):
        return _jsapi_page(request, entry, payment)
    qr = segno.make(payment.checkout_url, error="m")
    context = {
        "entry": entry,
        "payment": payment,
        "amount": payment.amount,
        "qr_svg": qr.svg_inline(scale=6, dark="#000", light="#fff", title=_("WeChat Pay QR code")),
    }
    return render(request, "events/entries/wechatpay_qr.html", context)
