"""A small fake of WeChat Pay API v3 (direct merchant mode), for tests: Paddock's own client in
events/gateways/wechatpay.py talks to it over HTTP.

It implements what Paddock calls (Native/H5/JSAPI orders, query and close by out_trade_no,
domestic refunds) with the real schemes: every request's `Authorization` signature is verified
against the merchant certificate (401 SIGN_ERROR otherwise), every answer is signed with the
platform key (Wechatpay-Timestamp/Nonce/Signature/Serial), and notifications are signed the same
way with their resource sealed by AEAD_AES_256_GCM under the APIv3 key. Amounts are in fen;
orders and refunds are idempotent by out_trade_no / out_refund_no, and refunds beyond what was
paid are refused, as WeChat Pay does.

Tests play the payer in Python (`pay`, `settle_refund`) and get back signed notifications to post;
`deliver` posts one to the notify_url the order was made with (for browser tests). The H5 page
(`/h5/<prepay id>`) has a Pay button that does both and sends the payer back, like WeChat.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tests.fakes.merchant_keys import KeyPair, key_pair
from tests.fakes.serving import Serving, deliver

AUTH = re.compile(r'(\w+)="([^"]*)"')


@dataclass
class Notification:
    body: bytes
    headers: dict[str, str]
    notify_url: str

    @property
    def django_headers(self) -> dict[str, str]:
        return {"HTTP_" + k.upper().replace("-", "_"): v for k, v in self.headers.items()}


@dataclass
class FakeWeChatPay:
    mchid: str = "1900000109"
    appid: str = "wx8888888888888888"
    api_v3_key: str = field(default_factory=lambda: secrets.token_hex(16))
    merchant: KeyPair = field(default_factory=lambda: key_pair("wechat merchant"))
    platform: KeyPair = field(default_factory=lambda: key_pair("wechat platform"))
    url: str = ""
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # The next this many API calls meet a gateway error (HTTP 502, unsigned, nothing done).
    outages: int = 0
    # The official account's AppSecret, and the sign-in codes handed out (code -> openid).
    app_secret: str = field(default_factory=lambda: secrets.token_hex(16))
    codes: dict[str, str] = field(default_factory=dict)

    def account_fields(self) -> dict[str, Any]:
        """What the organizer enters on the merchant settings page."""
        return {
            "app_id": self.appid,
            "merchant_id": self.mchid,
            "key_serial": self.merchant.serial,
            "platform_serial": self.platform.serial,
            "secrets": {
                "private_key": self.merchant.private_pem,
                "api_v3_key": self.api_v3_key,
                "platform_key": self.platform.certificate_pem,
                "app_secret": self.app_secret,
            },
        }

    def sign_in(self, openid: str) -> str:
        """The payer signs in inside WeChat: the code WeChat sends back to redirect_uri."""
        code = secrets.token_hex(8)
        self.codes[code] = openid
        return code

    def access_token(self, query: dict[str, list[str]]) -> dict[str, Any]:
        """/sns/oauth2/access_token: a code is good once, for our appid and its secret."""
        if query.get("appid") != [self.appid] or query.get("secret") != [self.app_secret]:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        openid = self.codes.pop((query.get("code") or [""])[0], None)
        if openid is None or query.get("grant_type") != ["authorization_code"]:
            return {"errcode": 40029, "errmsg": "invalid code"}
        return {"access_token": "ACCESS", "expires_in": 7200, "openid": openid,
                "scope": "snsapi_base"}  # fmt: skip

    # --- the payer's side ------------------------------------------------------------------

    def pay(self, out_trade_no: str, *, payer_total: int | None = None) -> Notification:
        with self.lock:
            order = self.orders[out_trade_no]
            if order["trade_state"] == "NOTPAY":
                order["trade_state"] = "SUCCESS"
                order["transaction_id"] = "4200" + secrets.token_hex(12)[:24]
                order["success_time"] = datetime.now().astimezone().isoformat(timespec="seconds")
            resource = self.transaction(out_trade_no)
            if payer_total is not None:
                resource["amount"]["total"] = payer_total
        return self.notification("TRANSACTION.SUCCESS", resource, order["notify_url"])

    def settle_refund(self, out_refund_no: str, *, status: str = "SUCCESS") -> Notification:
        with self.lock:
            refund = self.refunds[out_refund_no]
            refund["status"] = status
            resource = {
                "mchid": self.mchid,
                "out_trade_no": refund["out_trade_no"],
                "transaction_id": refund["transaction_id"],
                "out_refund_no": out_refund_no,
                "refund_id": refund["refund_id"],
                "refund_status": status,
                "amount": {
                    "total": refund["amount"]["total"],
                    "refund": refund["amount"]["refund"],
                    "payer_total": refund["amount"]["total"],
                    "payer_refund": refund["amount"]["refund"],
                },
            }
        return self.notification(f"REFUND.{status}", resource, refund["notify_url"])

    def transaction(self, out_trade_no: str) -> dict[str, Any]:
        order = self.orders[out_trade_no]
        data: dict[str, Any] = {
            "appid": order["appid"],
            "mchid": order["mchid"],
            "out_trade_no": out_trade_no,
            "trade_state": order["trade_state"],
            "trade_type": order["trade_type"],
            "amount": {"total": order["total"], "currency": "CNY"},
        }
        if order.get("transaction_id"):
            data["transaction_id"] = order["transaction_id"]
            data["amount"]["payer_total"] = order["total"]
            data["success_time"] = order["success_time"]
        return data

    def notification(
        self,
        event_type: str,
        resource: dict[str, Any],
        notify_url: str,
        *,
        signer: KeyPair | None = None,
        api_v3_key: str | None = None,
        timestamp: int | None = None,
        notification_id: str | None = None,
    ) -> Notification:
        """A signed notification; the keyword arguments make forged, stale or mis-sealed ones."""
        nonce = secrets.token_hex(16)[:32]
        associated = "transaction" if event_type.startswith("TRANSACTION") else "refund"
        sealed = AESGCM((api_v3_key or self.api_v3_key).encode()).encrypt(
            nonce[:12].encode(), json.dumps(resource).encode(), associated.encode()
        )
        body = json.dumps(
            {
                "id": notification_id or secrets.token_hex(16),
                "create_time": datetime.now().astimezone().isoformat(timespec="seconds"),
                "resource_type": "encrypt-resource",
                "event_type": event_type,
                "summary": "支付成功" if associated == "transaction" else "退款成功",
                "resource": {
                    "original_type": associated,
                    "algorithm": "AEAD_AES_256_GCM",
                    "ciphertext": base64.b64encode(sealed).decode(),
                    "associated_data": associated,
                    "nonce": nonce[:12],
                },
            }
        ).encode()
        return Notification(
            body=body,
            headers=self.signed_headers(body, signer=signer, timestamp=timestamp),
            notify_url=notify_url,
        )

    def signed_headers(
        self, body: bytes, *, signer: KeyPair | None = None, timestamp: int | None = None
    ) -> dict[str, str]:
        signer = signer or self.platform
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        nonce = secrets.token_hex(16)
        message = stamp.encode() + b"\n" + nonce.encode() + b"\n" + body + b"\n"
        return {
            "Content-Type": "application/json",
            "Wechatpay-Timestamp": stamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": signer.sign(message),
            "Wechatpay-Serial": self.platform.serial,
        }

    def deliver(self, notification: Notification) -> tuple[int, bytes]:
        return deliver(notification.notify_url, notification.body, notification.headers)

    def refunded_total(self, out_trade_no: str) -> int:
        return sum(
            r["amount"]["refund"]
            for r in self.refunds.values()
            if r["out_trade_no"] == out_trade_no and r["status"] != "ABNORMAL"
        )

    # --- the API ---------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Any, body: bytes) -> tuple[int, Any]:
        fields = dict(AUTH.findall(headers.get("Authorization", "")))
        message = (
            (f"{method}\n{target}\n{fields.get('timestamp')}\n{fields.get('nonce_str')}\n").encode()
            + body
            + b"\n"
        )
        if (
            not headers.get("Authorization", "").startswith("WECHATPAY2-SHA256-RSA2048 ")
            or fields.get("mchid") != self.mchid
            or fields.get("serial_no") != self.merchant.serial
            or not self.merchant.verifies(message, fields.get("signature", ""))
        ):
            return 401, {"code": "SIGN_ERROR", "message": "签名错误"}
        path = urlsplit(target).path
        data = json.loads(body) if body else {}
        with self.lock:
            match = re.fullmatch(r"/v3/pay/transactions/(native|h5|jsapi)", path)
            if method == "POST" and match:
                return self._order(match.group(1), data)
            match = re.fullmatch(r"/v3/pay/transactions/out-trade-no/([^/]+)", path)
            if method == "GET" and match:
                query = parse_qs(urlsplit(target).query)
                if query.get("mchid") != [self.mchid]:
                    return 400, {"code": "PARAM_ERROR", "message": "mchid"}
                out_trade_no = unquote(match.group(1))
                if out_trade_no not in self.orders:
                    return 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
                return 200, self.transaction(out_trade_no)
            match = re.fullmatch(r"/v3/pay/transactions/out-trade-no/([^/]+)/close", path)
            if method == "POST" and match:
                order = self.orders.get(unquote(match.group(1)))
                if order is None:
                    return 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
                if order["trade_state"] == "SUCCESS":
                    return 400, {"code": "ORDERPAID", "message": "订单已支付"}
                order["trade_state"] = "CLOSED"
                return 204, None
            if method == "POST" and path == "/v3/refund/domestic/refunds":
                return self._refund(data)
        return 404, {"code": "NOT_FOUND", "message": path}

    def _order(self, kind: str, data: dict[str, Any]) -> tuple[int, Any]:
        total = data.get("amount", {}).get("total")
        out_trade_no = data.get("out_trade_no", "")
        if (
            data.get("mchid") != self.mchid
            or data.get("appid") != self.appid
            or not isinstance(total, int)
            or total <= 0
            or not re.fullmatch(r"[A-Za-z0-9_\-|*]{6,32}", out_trade_no)
            or data.get("amount", {}).get("currency", "CNY") != "CNY"
            or not data.get("notify_url", "").startswith("http")
        ):
            return 400, {"code": "PARAM_ERROR", "message": "参数错误"}
        if kind == "jsapi" and not data.get("payer", {}).get("openid"):
            return 400, {"code": "PARAM_ERROR", "message": "openid"}
        if kind == "h5" and not data.get("scene_info", {}).get("payer_client_ip"):
            return 400, {"code": "PARAM_ERROR", "message": "scene_info"}
        existing = self.orders.get(out_trade_no)
        if existing is not None and (existing["trade_type"] != kind.upper()
                                     or existing["total"] != total):  # fmt: skip
            return 400, {"code": "INVALID_REQUEST", "message": "201 商户订单号重复"}
        if existing is None:
            existing = self.orders[out_trade_no] = {
                "appid": data["appid"],
                "mchid": data["mchid"],
                "trade_type": kind.upper(),
                "trade_state": "NOTPAY",
                "total": total,
                "description": data.get("description", ""),
                "notify_url": data["notify_url"],
                "time_expire": data.get("time_expire", ""),
                "prepay_id": "wx" + secrets.token_hex(14),
            }
        prepay = existing["prepay_id"]
        if kind == "native":
            return 200, {"code_url": f"weixin://wxpay/bizpayurl?pr={prepay[2:12]}"}
        if kind == "h5":
            return 200, {"h5_url": f"{self.url}/h5/{out_trade_no}?prepay_id={prepay}"}
        return 200, {"prepay_id": prepay}

    def _refund(self, data: dict[str, Any]) -> tuple[int, Any]:
        out_refund_no = data.get("out_refund_no", "")
        existing = self.refunds.get(out_refund_no)
        if existing is not None:
            return 200, self._refund_answer(out_refund_no)
        order = self.orders.get(data.get("out_trade_no", ""))
        amount = data.get("amount", {})
        if order is None or order["trade_state"] not in ("SUCCESS", "REFUND"):
            return 404, {"code": "RESOURCE_NOT_EXISTS", "message": "订单不存在"}
        if amount.get("total") != order["total"]:
            return 400, {"code": "PARAM_ERROR", "message": "订单金额与退款金额不匹配"}
        refund = amount.get("refund")
        if not isinstance(refund, int) or refund <= 0:
            return 400, {"code": "PARAM_ERROR", "message": "退款金额"}
        if self.refunded_total(data["out_trade_no"]) + refund > order["total"]:
            return 403, {"code": "NOT_ENOUGH", "message": "退款金额超过可退金额"}
        self.refunds[out_refund_no] = {
            "out_trade_no": data["out_trade_no"],
            "transaction_id": order["transaction_id"],
            "refund_id": "5030" + secrets.token_hex(12),
            "status": "PROCESSING",
            "notify_url": data.get("notify_url", ""),
            "amount": {"refund": refund, "total": order["total"]},
        }
        order["trade_state"] = "REFUND"
        return 200, self._refund_answer(out_refund_no)

    def _refund_answer(self, out_refund_no: str) -> dict[str, Any]:
        refund = self.refunds[out_refund_no]
        return {
            "refund_id": refund["refund_id"],
            "out_refund_no": out_refund_no,
            "out_trade_no": refund["out_trade_no"],
            "transaction_id": refund["transaction_id"],
            "status": refund["status"],
            "amount": {
                "total": refund["amount"]["total"],
                "refund": refund["amount"]["refund"],
                "payer_total": refund["amount"]["total"],
                "payer_refund": refund["amount"]["refund"],
                "currency": "CNY",
            },
        }

    def h5_page(self, out_trade_no: str, redirect_url: str) -> str:
        order = self.orders[out_trade_no]
        return (
            '<!doctype html><meta charset="utf-8"><title>微信支付</title>'
            f"<h1>微信支付 · ¥{order['total'] / 100:.2f}</h1>"
            f'<form method="post" action="/h5/{out_trade_no}/pay">'
            f'<input type="hidden" name="redirect_url" value="{redirect_url}">'
            '<button type="submit">确认支付</button></form>'
        )


def _handler(state: FakeWeChatPay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, data: Any) -> None:
            body = b"" if data is None else json.dumps(data, ensure_ascii=False).encode()
            headers = state.signed_headers(body)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self) -> None:
            path = urlsplit(self.path)
            if path.path == "/sns/oauth2/access_token":
                body = json.dumps(state.access_token(parse_qs(path.query))).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if path.path.startswith("/h5/"):
                out_trade_no = path.path.split("/")[2]
                redirect_url = parse_qs(path.query).get("redirect_url", [""])[0]
                page = state.h5_page(out_trade_no, redirect_url).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)
                return
            status, data = state.handle("GET", self.path, self.headers, b"")
            state.requests.append(("GET", self.path, status))
            self._answer(status, data)

        def do_POST(self) -> None:
            body = self._body()
            path = urlsplit(self.path).path
            if path.startswith("/h5/") and path.endswith("/pay"):
                redirect_url = parse_qs(body.decode()).get("redirect_url", [""])[0]
                state.deliver(state.pay(path.split("/")[2]))
                self.send_response(303)
                self.send_header("Location", redirect_url)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            with state.lock:
                down = state.outages > 0
                state.outages -= down
            if down:
                self.send_response(502)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status, data = state.handle("POST", self.path, self.headers, body)
            state.requests.append(("POST", self.path, status))
            self._answer(status, data)

    return Handler


class FakeWeChatPayServer:
    """`with FakeWeChatPayServer() as wechat:` serves on 127.0.0.1 at a free port."""

    def __init__(self) -> None:
        self.state = FakeWeChatPay()
        self._serving = Serving(_handler(self.state))
        self.state.url = self._serving.url

    def __enter__(self) -> FakeWeChatPay:
        self._serving.start()
        return self.state

    def __exit__(self, *exc: object) -> None:
        self._serving.stop()
