"""The one module that talks to WeChat Pay (API v3, direct merchant mode), for an organizer's own
merchant account.

Written on `cryptography` rather than an SDK: the scheme is small (one RSA-SHA256 signature per
request and per answer, AES-256-GCM for notification bodies), and the SDKs we looked at fetch
platform certificates and build their own HTTP sessions behind the caller's back, which a
per-organization account (keys read from the database) and a local fake server in tests fit
badly. Every answer and every notification is verified against the platform certificate (or the
newer "WeChat Pay public key") the organizer pasted in, before a field of it is read.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
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

API_BASE = "https://api.mch.weixin.qq.com"
SCHEME = "WECHATPAY2-SHA256-RSA2048"
# WeChat Pay signs each delivery afresh; one older than this is a replay of a captured request.
NOTIFICATION_MAX_AGE_SECONDS = 5 * 60
TIMEOUT_SECONDS = 10
CURRENCIES = frozenset({"CNY"})
# A JSAPI order's stored address: what follows is its prepay_id.
JSAPI_PREFIX = "wechat-jsapi:"
# WeChat's web sign-in (snsapi_base: the payer's openid for the official account, no prompt).
OAUTH_AUTHORIZE = "https://open.weixin.qq.com/connect/oauth2/authorize"
OAUTH_API = "https://api.weixin.qq.com"


@dataclass(frozen=True)
class Account:
    mchid: str
    appid: str
    serial_no: str  # serial of the merchant API certificate whose private key signs requests
    private_key: str  # PEM
    api_v3_key: str  # 32 characters, decrypts notification resources
    platform_key: str  # PEM platform certificate or WeChat Pay public key
    platform_serial: str  # its serial (certificate) or id (PUB_KEY_ID_...)
    api_base: str = API_BASE


def _authorization(account: Account, method: str, path: str, body: str) -> str:
    timestamp, nonce = str(int(time.time())), signing.nonce()
    message = f"{method}\n{path}\n{timestamp}\n{nonce}\n{body}\n"
    signature = signing.sign(message, account.private_key)
    return (
        f'{SCHEME} mchid="{account.mchid}",nonce_str="{nonce}",signature="{signature}",'
        f'timestamp="{timestamp}",serial_no="{account.serial_no}"'
    )


def _verified(account: Account, headers: Any, body: bytes) -> bool:
    timestamp = headers.get("Wechatpay-Timestamp", "")
    nonce = headers.get("Wechatpay-Nonce", "")
    signature = headers.get("Wechatpay-Signature", "")
    serial = headers.get("Wechatpay-Serial", "")
    if not (timestamp and nonce and signature) or serial != account.platform_serial:
        return False
    message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body + b"\n"
    return signing.verify(message, signature, account.platform_key)


def _call(account: Account, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
    """One signed request; the answer's signature is checked before its body is trusted."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")) if payload else ""
    request = signing.http_request(
        account.api_base.rstrip("/") + path,
        data=body.encode("utf-8") if payload is not None else None,
        method=method,
        headers={
            "Authorization": _authorization(account, method, path, body),
            "Accept": "application/json",
            "Content-Type": "application/json",
            "User-Agent": "Paddock",
        },
    )
    try:
        with signing.http_open(request, timeout=TIMEOUT_SECONDS) as response:
            status, headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, headers, raw = exc.code, exc.headers, exc.read()
    except (OSError, ValueError) as exc:
        raise signing.unreachable(str(exc)) from exc
    if status >= 500 and not _verified(account, headers, raw):
        # A gateway error, not WeChat Pay's API answering: retry with the same numbers.
        raise signing.unreachable(f"HTTP {status}")
    if not _verified(account, headers, raw):
        raise PaymentProviderError(
            _("WeChat Pay's answer could not be verified; check the platform certificate."),
            detail=f"HTTP {status}, unverified answer",
            definitive=False,
        )
    data = json.loads(raw) if raw else {}
    if status >= 300:
        code = data.get("code", "") if isinstance(data, dict) else ""
        message = data.get("message", "") if isinstance(data, dict) else ""
        error = PaymentProviderError(
            _("The payment service refused the request: %(reason)s")
            % {"reason": message or code or status},
            detail=f"HTTP {status} {code}: {message}",
        )
        error.code = code  # type: ignore[attr-defined]
        raise error
    return data


def _expiry(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def create_order(account: Account, request: OrderRequest) -> StartedOrder:
    """Native (a QR code) on a desktop, H5 in a phone browser, JSAPI inside WeChat."""
    if request.currency.upper() not in CURRENCIES:
        raise PaymentProviderError(_("WeChat Pay takes payments in CNY only."))
    payload: dict[str, Any] = {
        "appid": account.appid,
        "mchid": account.mchid,
        "description": request.description[:127],
        "out_trade_no": request.reference,
        "time_expire": _expiry(request.expires_at),
        "notify_url": request.notify_url,
        "amount": {"total": request.amount_minor, "currency": "CNY"},
    }
    if request.client == Client.WECHAT:
        payload["payer"] = {"openid": request.openid}
        data = _call(account, "POST", "/v3/pay/transactions/jsapi", payload)
        # Kept as the order's address: the payment page signs fresh bridge parameters from it.
        prepay_id = _text(data, "prepay_id")
        return StartedOrder(
            reference=request.reference,
            url=JSAPI_PREFIX + prepay_id,
            bridge=bridge_parameters(account, prepay_id),
        )
    if request.client == Client.PHONE:
        payload["scene_info"] = {
            "payer_client_ip": request.payer_ip,
            "h5_info": {"type": "Wap"},
        }
        data = _call(account, "POST", "/v3/pay/transactions/h5", payload)
        # WeChat sends the payer back to redirect_url after paying (or giving up).
        url = _text(data, "h5_url") + "&redirect_url=" + quote(request.return_url, safe="")
        return StartedOrder(reference=request.reference, url=url)
    data = _call(account, "POST", "/v3/pay/transactions/native", payload)
    return StartedOrder(reference=request.reference, url=_text(data, "code_url"), qr=True)


def bridge_parameters(account: Account, prepay_id: str) -> dict[str, str]:
    """What WeixinJSBridge.invoke('getBrandWCPayRequest', ...) takes, signed with our key."""
    timestamp, nonce = str(int(time.time())), signing.nonce()
    package = f"prepay_id={prepay_id}"
    message = f"{account.appid}\n{timestamp}\n{nonce}\n{package}\n"
    return {
        "appId": account.appid,
        "timeStamp": timestamp,
        "nonceStr": nonce,
        "package": package,
        "signType": "RSA",
        "paySign": signing.sign(message, account.private_key),
    }


def _text(data: Any, key: str) -> str:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value:
        raise PaymentProviderError(
            _("The payment service gave an answer we cannot read."), detail=f"no {key}"
        )
    return value


def _order_state(data: Any) -> OrderState:
    if not isinstance(data, dict) or not isinstance(data.get("amount"), dict):
        raise ValueError("not a WeChat Pay transaction")
    amount = data["amount"]
    state = data.get("trade_state")
    total = amount.get("total")
    if not isinstance(state, str) or not isinstance(total, int) or isinstance(total, bool):
        raise ValueError("trade_state or amount.total missing")
    return OrderState(
        reference=str(data.get("out_trade_no", "")),
        transaction_id=str(data.get("transaction_id", "")),
        paid=state == "SUCCESS",
        closed=state in ("CLOSED", "REVOKED", "PAYERROR"),
        amount_minor=total,
        currency=str(amount.get("currency") or "CNY").upper(),
    )


def query_order(account: Account, reference: str) -> OrderState | None:
    """The order as WeChat Pay knows it, or None when it has no such order."""
    path = f"/v3/pay/transactions/out-trade-no/{quote(reference, safe='')}?mchid={account.mchid}"
    try:
        data = _call(account, "GET", path)
    except PaymentProviderError as exc:
        if getattr(exc, "code", "") == "ORDER_NOT_EXIST":
            return None
        raise
    try:
        return _order_state(data)
    except ValueError as exc:
        raise PaymentProviderError(
            _("The payment service gave an answer we cannot read."), detail=str(exc)
        ) from exc


def close_order(account: Account, reference: str) -> None:
    path = f"/v3/pay/transactions/out-trade-no/{quote(reference, safe='')}/close"
    _call(account, "POST", path, {"mchid": account.mchid})


_REFUND_STATUS = {
    "SUCCESS": "succeeded",
    "PROCESSING": "pending",
    "CLOSED": "failed",
    "ABNORMAL": "failed",
}


def _refund_outcome(data: Any, *, status_key: str) -> RefundOutcome:
    if not isinstance(data, dict) or not isinstance(data.get("amount"), dict):
        raise ValueError("not a WeChat Pay refund")
    refund = data["amount"].get("refund")
    if not isinstance(refund, int) or isinstance(refund, bool):
        raise ValueError("amount.refund missing")
    return RefundOutcome(
        id=str(data.get("refund_id", "")),
        reference=str(data.get("out_refund_no", "")),
        status=_REFUND_STATUS.get(str(data.get(status_key)), "pending"),
        amount_minor=refund,
    )


def refund(
    account: Account,
    *,
    reference: str,
    refund_reference: str,
    amount_minor: int,
    total_minor: int,
    notify_url: str,
) -> RefundOutcome:
    """Refund part or all of a paid order; the same refund number never refunds twice."""
    data = _call(
        account,
        "POST",
        "/v3/refund/domestic/refunds",
        {
            "out_trade_no": reference,
            "out_refund_no": refund_reference,
            "notify_url": notify_url,
            "amount": {"refund": amount_minor, "total": total_minor, "currency": "CNY"},
        },
    )
    try:
        return _refund_outcome(data, status_key="status")
    except ValueError as exc:
        raise PaymentProviderError(
            _("The payment service gave an answer we cannot read."), detail=str(exc)
        ) from exc


def decrypt(api_v3_key: str, resource: dict[str, Any]) -> bytes:
    """AEAD_AES_256_GCM with the APIv3 key: what a notification's `resource` holds."""
    if resource.get("algorithm") != "AEAD_AES_256_GCM":
        raise InvalidNotification("unknown algorithm")
    try:
        return AESGCM(api_v3_key.encode("utf-8")).decrypt(
            str(resource["nonce"]).encode("utf-8"),
            base64.b64decode(str(resource["ciphertext"])),
            str(resource.get("associated_data") or "").encode("utf-8"),
        )
    except (KeyError, ValueError, InvalidTag) as exc:
        raise InvalidNotification("the resource cannot be decrypted") from exc


def parse_notification(
    account: Account, headers: Any, body: bytes, *, now: float | None = None
) -> Notification:
    """Verify the signature (and its age) over the raw body, then decrypt the resource."""
    if not _verified(account, headers, body):
        raise InvalidNotification("bad signature")
    try:
        sent = int(headers.get("Wechatpay-Timestamp", ""))
    except ValueError as exc:
        raise InvalidNotification("bad timestamp") from exc
    if abs((now if now is not None else time.time()) - sent) > NOTIFICATION_MAX_AGE_SECONDS:
        raise InvalidNotification("stale notification")
    try:
        envelope = json.loads(body)
        notification_id = envelope["id"]
        event_type = envelope["event_type"]
        resource = envelope["resource"]
        if not (isinstance(notification_id, str) and notification_id):
            raise ValueError("no id")
        if not isinstance(event_type, str) or not isinstance(resource, dict):
            raise ValueError("no event_type or resource")
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidNotification(str(exc)) from exc
    try:
        if event_type.startswith("TRANSACTION."):
            data = json.loads(decrypt(account.api_v3_key, resource))
            if data.get("mchid") != account.mchid or data.get("appid") != account.appid:
                raise InvalidNotification("another merchant's transaction")
            return Notification(id=notification_id, kind="payment", order=_order_state(data))
        if event_type.startswith("REFUND."):
            data = json.loads(decrypt(account.api_v3_key, resource))
            if data.get("mchid") != account.mchid:
                raise InvalidNotification("another merchant's refund")
            return Notification(
                id=notification_id,
                kind="refund",
                refund=_refund_outcome(data, status_key="refund_status"),
            )
    except (ValueError, AttributeError) as exc:
        raise InvalidNotification(str(exc)) from exc
    return Notification(id=notification_id, kind="other")


def oauth_address(*, appid: str, redirect_uri: str, state: str, base: str = "") -> str:
    """Where to send a payer inside WeChat for their openid (silent snsapi_base sign-in)."""
    query = urlencode(
        {
            "appid": appid,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "snsapi_base",
            "state": state,
        }
    )
    return f"{base or OAUTH_AUTHORIZE}?{query}#wechat_redirect"


def openid_for_code(*, appid: str, app_secret: str, code: str, api_base: str = "") -> str:
    """Exchange the sign-in's code for the payer's openid (the official account's AppSecret)."""
    query = urlencode(
        {"appid": appid, "secret": app_secret, "code": code, "grant_type": "authorization_code"}
    )
    request = signing.http_request(
        f"{(api_base or OAUTH_API).rstrip('/')}/sns/oauth2/access_token?{query}",
        data=None,
        method="GET",
        headers={"Accept": "application/json", "User-Agent": "Paddock"},
    )
    try:
        with signing.http_open(request, timeout=TIMEOUT_SECONDS) as response:
            data = json.loads(response.read() or b"{}")
    except (OSError, ValueError) as exc:
        raise signing.unreachable(str(exc)) from exc
    openid = data.get("openid") if isinstance(data, dict) else None
    if not isinstance(openid, str) or not openid:
        raise PaymentProviderError(
            _("WeChat did not sign you in; please try again."),
            detail=f"{data.get('errcode') if isinstance(data, dict) else ''}",
        )
    return openid
