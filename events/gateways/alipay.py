"""The one module that talks to Alipay (Open Platform, RSA2 public-key mode), for an organizer's
own Alipay application.

Written on `cryptography` rather than an SDK: RSA2 is one sorted "k=v&k=v" string signed with
SHA256withRSA, and the SDKs we looked at bring pycryptodome or their own HTTP layer and expect
keys in files; ours come from the organization's encrypted settings and tests point the same
code at a local fake gateway. Every answer and notification is verified against the Alipay
public key the organizer pasted in before a field of it is read.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from events.gateways import signing
from events.gateways.base import (
    Client,
    InvalidNotification,
    Notification,
    OrderRequest,
    OrderState,
    PaymentProviderError,
    RefundOutcome,
    StartedOrder,
)

GATEWAY = "https://openapi.alipay.com/gateway.do"
TIMEOUT_SECONDS = 10
CURRENCIES = frozenset({"CNY"})
# Alipay signs its timestamps in Beijing time.
BEIJING = ZoneInfo("Asia/Shanghai")
# Alipay retries an unanswered notification for about 25 hours; one older than this is a replay.
NOTIFICATION_MAX_AGE = timedelta(hours=26)


@dataclass(frozen=True)
class Account:
    app_id: str
    private_key: str  # the application's private key (PEM or bare base64)
    alipay_public_key: str  # Alipay's public key for this application
    seller_id: str = ""  # the merchant's Alipay user id (2088...), checked when set
    gateway: str = GATEWAY


def signing_string(params: dict[str, str], *, exclude: tuple[str, ...]) -> str:
    return "&".join(
        f"{key}={params[key]}" for key in sorted(params) if key not in exclude and params[key] != ""
    )


def _signed(account: Account, method: str, biz: dict[str, Any], **extra: str) -> dict[str, str]:
    params = {
        "app_id": account.app_id,
        "method": method,
        "format": "JSON",
        "charset": "utf-8",
        "sign_type": "RSA2",
        "timestamp": datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
        "version": "1.0",
        "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":")),
        **extra,
    }
    params["sign"] = signing.sign(signing_string(params, exclude=("sign",)), account.private_key)
    return params


def yuan(amount_minor: int) -> str:
    return f"{Decimal(amount_minor) / 100:.2f}"


def fen(amount: object) -> int:
    try:
        value = Decimal(str(amount)) * 100
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {amount!r}") from exc
    if value != value.to_integral_value() or value < 0:
        raise ValueError(f"not an amount in fen: {amount!r}")
    return int(value)


def create_order(account: Account, request: OrderRequest) -> StartedOrder:
    """Page pay (desktop) or wap pay (phone): a signed address of Alipay's cashier."""
    if request.currency.upper() not in CURRENCIES:
        raise PaymentProviderError(_("Alipay takes payments in CNY only."))
    phone = request.client in (Client.PHONE, Client.WECHAT)
    biz = {
        "out_trade_no": request.reference,
        "total_amount": yuan(request.amount_minor),
        "subject": request.description[:256],
        "product_code": "QUICK_WAP_WAY" if phone else "FAST_INSTANT_TRADE_PAY",
        "time_expire": request.expires_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
    }
    if phone:
        biz["quit_url"] = request.return_url
    params = _signed(
        account,
        "alipay.trade.wap.pay" if phone else "alipay.trade.page.pay",
        biz,
        notify_url=request.notify_url,
        return_url=request.return_url,
    )
    return StartedOrder(
        reference=request.reference,
        url=account.gateway + "?" + urllib.parse.urlencode(params),
    )


def _response_text(raw: str, key: str) -> str:
    """The exact text of `key`'s value in Alipay's answer: the signature covers those bytes."""
    marker = f'"{key}":'
    start = raw.find(marker)
    if start < 0:
        raise ValueError(f"no {key}")
    decoder = json.JSONDecoder()
    index = start + len(marker)
    while raw[index] in " \t\r\n":
        index += 1
    _value, end = decoder.raw_decode(raw, index)
    return raw[index:end]


def _call(account: Account, method: str, biz: dict[str, Any]) -> dict[str, Any]:
    body = urllib.parse.urlencode(_signed(account, method, biz)).encode("utf-8")
    request = signing.http_request(
        account.gateway,
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
    )
    try:
        with signing.http_open(request, timeout=TIMEOUT_SECONDS) as response:
            raw = response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        raise signing.unreachable(f"HTTP {exc.code}") from exc
    except (OSError, ValueError) as exc:
        raise signing.unreachable(str(exc)) from exc
    key = method.replace(".", "_") + "_response"
    try:
        signed_text = _response_text(raw, key)
        signature = json.loads(raw).get("sign", "")
        data = json.loads(signed_text)
    except (ValueError, AttributeError, IndexError) as exc:
        raise PaymentProviderError(
            _("The payment service gave an answer we cannot read."), detail=str(exc)
        ) from exc
    if not (
        isinstance(data, dict)
        and isinstance(signature, str)
        and signing.verify(signed_text, signature, account.alipay_public_key)
    ):
        raise PaymentProviderError(
            _("Alipay's answer could not be verified; check the Alipay public key."),
            detail="unverified answer",
            definitive=False,
        )
    return data


def _refused(data: dict[str, Any]) -> PaymentProviderError:
    reason = data.get("sub_msg") or data.get("msg") or data.get("code")
    error = PaymentProviderError(
        _("The payment service refused the request: %(reason)s") % {"reason": reason},
        detail=f"{data.get('code')} {data.get('sub_code', '')}: {data.get('sub_msg', '')}",
    )
    error.code = str(data.get("sub_code", ""))  # type: ignore[attr-defined]
    return error


def _order_state(data: dict[str, Any]) -> OrderState:
    status = str(data.get("trade_status", ""))
    return OrderState(
        reference=str(data.get("out_trade_no", "")),
        transaction_id=str(data.get("trade_no", "")),
        paid=status in ("TRADE_SUCCESS", "TRADE_FINISHED"),
        closed=status == "TRADE_CLOSED",
        amount_minor=fen(data.get("total_amount")),
        currency="CNY",
    )


def query_order(account: Account, reference: str) -> OrderState | None:
    data = _call(account, "alipay.trade.query", {"out_trade_no": reference})
    if data.get("code") != "10000":
        if data.get("sub_code") == "ACQ.TRADE_NOT_EXIST":
            return None
        raise _refused(data)
    try:
        return _order_state(data)
    except ValueError as exc:
        raise PaymentProviderError(
            _("The payment service gave an answer we cannot read."), detail=str(exc)
        ) from exc


def close_order(account: Account, reference: str) -> None:
    data = _call(account, "alipay.trade.close", {"out_trade_no": reference})
    if data.get("code") != "10000" and data.get("sub_code") != "ACQ.TRADE_NOT_EXIST":
        raise _refused(data)


def refund(
    account: Account, *, reference: str, refund_reference: str, amount_minor: int
) -> RefundOutcome:
    """Alipay refunds at once; the same out_request_no never refunds twice."""
    data = _call(
        account,
        "alipay.trade.refund",
        {
            "out_trade_no": reference,
            "refund_amount": yuan(amount_minor),
            "out_request_no": refund_reference,
        },
    )
    if data.get("code") != "10000":
        raise _refused(data)
    return RefundOutcome(
        id=f"{data.get('trade_no', '')}/{refund_reference}",
        reference=refund_reference,
        status="succeeded",
        amount_minor=amount_minor,
    )


def parse_notification(
    account: Account, form: dict[str, str], *, now: datetime | None = None
) -> Notification:
    """Verify an asynchronous notification (RSA2 over every field but sign and sign_type)."""
    signature = form.get("sign", "")
    if form.get("sign_type", "RSA2") != "RSA2" or not signature:
        raise InvalidNotification("unsigned")
    message = signing_string(form, exclude=("sign", "sign_type"))
    if not signing.verify(message, signature, account.alipay_public_key):
        raise InvalidNotification("bad signature")
    if form.get("app_id") != account.app_id:
        raise InvalidNotification("another application's notification")
    if account.seller_id and form.get("seller_id") != account.seller_id:
        raise InvalidNotification("another merchant's notification")
    try:
        sent = datetime.strptime(form.get("notify_time", ""), "%Y-%m-%d %H:%M:%S").replace(
            tzinfo=BEIJING
        )
    except ValueError as exc:
        raise InvalidNotification("bad notify_time") from exc
    if (now or datetime.now(BEIJING)) - sent > NOTIFICATION_MAX_AGE:
        raise InvalidNotification("stale notification")
    notify_id = form.get("notify_id", "")
    if not notify_id:
        raise InvalidNotification("no notify_id")
    if form.get("notify_type", "trade_status_sync") != "trade_status_sync":
        return Notification(id=notify_id, kind="other")
    try:
        return Notification(id=notify_id, kind="payment", order=_order_state(form))
    except ValueError as exc:
        raise InvalidNotification(str(exc)) from exc
