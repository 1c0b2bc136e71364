"""WeChat Pay and Alipay: their notification addresses (one per organizer's account) and the
page showing a WeChat Pay QR code on a desktop."""

from __future__ import annotations

import logging

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from events.gateways.base import InvalidNotification
from events.models import MerchantAccount, Payment, Provider
from events.queries.entries import entry_for_driver
from events.services.merchants import read_notification
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


@login_required
def wechatpay_qr(request: HttpRequest, pk: int, payment_id: int) -> HttpResponse:
    """WeChat Pay Native: the QR code to scan with WeChat; the page reloads itself and moves on
    once the notification confirmed the payment."""
    entry = entry_for_driver(request.user, pk)
    payment = entry.payments.filter(pk=payment_id, method=Payment.Method.WECHATPAY).first()
    if payment is None or not payment.checkout_url.startswith("weixin://"):
        raise Http404
    if payment.status == Payment.Status.SUCCEEDED:
        messages.success(request, _("Payment received: your entry is confirmed."))
        return redirect(entry.get_absolute_url())
    if payment.status != Payment.Status.PENDING:
        messages.error(request, _("This payment is closed. Please start again."))
        return redirect(entry.get_absolute_url())
    qr = segno.make(payment.checkout_url, error="m")
    context = {
        "entry": entry,
        "payment": payment,
        "amount": payment.amount,
        "qr_svg": qr.svg_inline(scale=6, dark="#000", light="#fff", title=_("WeChat Pay QR code")),
    }
    return render(request, "events/entries/wechatpay_qr.html", context)
