"""A small fake of Alipay's Open Platform gateway, for tests: Paddock's own client in
events/gateways/alipay.py talks to it over HTTP.

It implements page pay and wap pay (a signed GET to the gateway opens a cashier page), and
alipay.trade.query / refund / close (signed POSTs), with the real RSA2 scheme: each request's
`sign` is verified with the application's public key, each answer is signed with Alipay's key
over the exact text of its `*_response` value, and asynchronous notifications are signed over
every field but sign and sign_type. Amounts are yuan strings with two decimals; refunds are
idempotent by out_request_no and refused beyond what was paid.

Tests play the payer in Python (`pay` returns a signed notification form to post); the cashier
page's Pay button marks the trade paid, posts the notification to notify_url and sends the
payer back to return_url, as Alipay does.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit
from zoneinfo import ZoneInfo

from tests.fakes.merchant_keys import KeyPair, key_pair
from tests.fakes.serving import Serving, deliver

BEIJING = ZoneInfo("Asia/Shanghai")


def signing_string(params: dict[str, str], exclude: tuple[str, ...]) -> str:
    return "&".join(f"{k}={params[k]}" for k in sorted(params) if k not in exclude and params[k])


def beijing_now() -> str:
    return datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class FakeAlipay:
    app_id: str = "2021000000000001"
    seller_id: str = "2088000000000001"
    app: KeyPair = field(default_factory=lambda: key_pair("alipay application"))
    alipay: KeyPair = field(default_factory=lambda: key_pair("alipay platform"))
    url: str = ""
    trades: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # The next this many API calls meet a gateway error (HTTP 502, nothing done).
    outages: int = 0

    @property
    def gateway(self) -> str:
        return f"{self.url}/gateway.do"

    def account_fields(self) -> dict[str, Any]:
        return {
            "app_id": self.app_id,
            "merchant_id": self.seller_id,
            "key_serial": "",
            "platform_serial": "",
            "secrets": {
                "private_key": self.app.private_pem,
                # As Alipay's console shows it: bare base64.
                "alipay_public_key": self.alipay.public_base64,
            },
        }

    # --- the payer's side ------------------------------------------------------------------

    def pay(self, out_trade_no: str) -> dict[str, str]:
        with self.lock:
            trade = self.trades[out_trade_no]
            if trade["trade_status"] == "WAIT_BUYER_PAY":
                trade["trade_status"] = "TRADE_SUCCESS"
                trade["trade_no"] = datetime.now(BEIJING).strftime("%Y%m%d") + secrets.token_hex(10)
                trade["gmt_payment"] = beijing_now()
        return self.notification(out_trade_no)

    def notification(
        self,
        out_trade_no: str,
        *,
        signer: KeyPair | None = None,
        notify_time: str | None = None,
        notify_id: str | None = None,
        **overrides: str,
    ) -> dict[str, str]:
        """A signed notification form; keyword arguments make forged or stale ones."""
        trade = self.trades[out_trade_no]
        form = {
            "notify_time": notify_time or beijing_now(),
            "notify_type": "trade_status_sync",
            "notify_id": notify_id or secrets.token_hex(16),
            "app_id": self.app_id,
            "charset": "utf-8",
            "version": "1.0",
            "trade_no": trade.get("trade_no", ""),
            "out_trade_no": out_trade_no,
            "trade_status": trade["trade_status"],
            "total_amount": trade["total_amount"],
            "receipt_amount": trade["total_amount"],
            "seller_id": self.seller_id,
            "subject": trade["subject"],
            "gmt_payment": trade.get("gmt_payment", ""),
        }
        form.update(overrides)
        form = {k: v for k, v in form.items() if v != ""}
        form["sign"] = (signer or self.alipay).sign(signing_string(form, ("sign", "sign_type")))
        form["sign_type"] = "RSA2"
        return form

    def open(self, address: str) -> str:
        """The payer's browser opens a page-pay or wap-pay address: returns the cashier page."""
        import urllib.request

        with urllib.request.urlopen(address, timeout=10) as response:
            return response.read().decode()

    def deliver(self, out_trade_no: str, form: dict[str, str]) -> tuple[int, bytes]:
        return deliver(
            self.trades[out_trade_no]["notify_url"],
            urlencode(form).encode(),
            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )

    def refunded_total(self, out_trade_no: str) -> int:
        return sum(
            int(Decimal(r["refund_amount"]) * 100)
            for r in self.refunds.values()
            if r["out_trade_no"] == out_trade_no
        )

    # --- the gateway -----------------------------------------------------------------------

    def verified(self, params: dict[str, str]) -> bool:
        return (
            params.get("app_id") == self.app_id
            and params.get("sign_type") == "RSA2"
            and self.app.verifies(signing_string(params, ("sign",)), params.get("sign", ""))
        )

    def open_cashier(self, params: dict[str, str]) -> tuple[int, str]:
        if not self.verified(params):
            return 400, "<h1>错误代码 invalid-signature</h1>"
        biz = json.loads(params["biz_content"])
        method = params.get("method")
        product = {"alipay.trade.page.pay": "FAST_INSTANT_TRADE_PAY",
                   "alipay.trade.wap.pay": "QUICK_WAP_WAY"}.get(method or "")  # fmt: skip
        amount = biz.get("total_amount", "")
        if product is None or biz.get("product_code") != product or not amount:
            return 400, "<h1>错误代码 invalid-parameter</h1>"
        if Decimal(amount).as_tuple().exponent != -2 or Decimal(amount) <= 0:
            return 400, "<h1>错误代码 invalid-amount</h1>"
        with self.lock:
            trade = self.trades.setdefault(
                biz["out_trade_no"],
                {
                    "trade_status": "WAIT_BUYER_PAY",
                    "total_amount": amount,
                    "subject": biz.get("subject", ""),
                    "notify_url": params.get("notify_url", ""),
                    "return_url": params.get("return_url", ""),
                    "product_code": product,
                    "time_expire": biz.get("time_expire", ""),
                },
            )
        if trade["total_amount"] != amount:
            return 400, "<h1>错误代码 TRADE_HAS_CHANGED</h1>"
        return 200, (
            '<!doctype html><meta charset="utf-8"><title>支付宝 收银台</title>'
            f"<h1>支付宝 · ¥{amount}</h1><p>{trade['subject']}</p>"
            f'<form method="post" action="/cashier/{biz["out_trade_no"]}/pay">'
            '<button type="submit">确认付款</button></form>'
        )

    def return_url(self, out_trade_no: str) -> str:
        trade = self.trades[out_trade_no]
        params = {
            "app_id": self.app_id,
            "method": "alipay.trade.page.pay.return",
            "out_trade_no": out_trade_no,
            "trade_no": trade.get("trade_no", ""),
            "total_amount": trade["total_amount"],
            "seller_id": self.seller_id,
            "timestamp": beijing_now(),
            "charset": "utf-8",
            "version": "1.0",
            "sign_type": "RSA2",
        }
        params["sign"] = self.alipay.sign(signing_string(params, ("sign", "sign_type")))
        separator = "&" if "?" in trade["return_url"] else "?"
        return trade["return_url"] + separator + urlencode(params)

    def api(self, params: dict[str, str]) -> str:
        method = params.get("method", "")
        key = method.replace(".", "_") + "_response"
        if not self.verified(params):
            result: dict[str, Any] = {"code": "40002", "msg": "Invalid Arguments",
                                      "sub_code": "isv.invalid-signature", "sub_msg": "验签出错"}  # fmt: skip
        else:
            biz = json.loads(params.get("biz_content") or "{}")
            with self.lock:
                result = self._api(method, biz)
        self.requests.append((method, result.get("code", "")))
        text = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
        # Alipay signs the exact text of the response value and puts it first, then "sign".
        return f'{{"{key}":{text},"sign":"{self.alipay.sign(text)}"}}'

    def _api(self, method: str, biz: dict[str, Any]) -> dict[str, Any]:
        trade = self.trades.get(biz.get("out_trade_no", ""))
        if trade is None:
            return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST",
                    "sub_msg": "交易不存在"}  # fmt: skip
        if method == "alipay.trade.query":
            answer = {"code": "10000", "msg": "Success", "out_trade_no": biz["out_trade_no"],
                      "trade_status": trade["trade_status"], "total_amount": trade["total_amount"]}  # fmt: skip
            if trade.get("trade_no"):
                answer["trade_no"] = trade["trade_no"]
            return answer
        if method == "alipay.trade.close":
            if trade["trade_status"] != "WAIT_BUYER_PAY":
                return {"code": "40004", "msg": "Business Failed",
                        "sub_code": "ACQ.TRADE_STATUS_ERROR", "sub_msg": "交易状态不合法"}  # fmt: skip
            trade["trade_status"] = "TRADE_CLOSED"
            return {"code": "10000", "msg": "Success", "out_trade_no": biz["out_trade_no"]}
        if method == "alipay.trade.refund":
            request_no = biz.get("out_request_no") or biz["out_trade_no"]
            if request_no in self.refunds:
                done = self.refunds[request_no]
                return {"code": "10000", "msg": "Success", "trade_no": trade["trade_no"],
                        "out_trade_no": biz["out_trade_no"], "fund_change": "N",
                        "refund_fee": done["refund_amount"]}  # fmt: skip
            if trade["trade_status"] != "TRADE_SUCCESS":
                return {"code": "40004", "msg": "Business Failed",
                        "sub_code": "ACQ.TRADE_STATUS_ERROR", "sub_msg": "交易状态不合法"}  # fmt: skip
            amount = Decimal(str(biz.get("refund_amount", "0")))
            paid = Decimal(trade["total_amount"])
            if amount <= 0 or self.refunded_total(biz["out_trade_no"]) + amount * 100 > paid * 100:
                return {"code": "40004", "msg": "Business Failed",
                        "sub_code": "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "sub_msg": "退款金额超限"}  # fmt: skip
            self.refunds[request_no] = {
                "out_trade_no": biz["out_trade_no"],
                "refund_amount": f"{amount:.2f}",
            }
            return {"code": "10000", "msg": "Success", "trade_no": trade["trade_no"],
                    "out_trade_no": biz["out_trade_no"], "fund_change": "Y",
                    "refund_fee": f"{amount:.2f}"}  # fmt: skip
        return {"code": "40004", "msg": "Business Failed", "sub_code": "isv.invalid-method"}


def _handler(state: FakeAlipay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: str, content_type: str, location: str = "") -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            split = urlsplit(self.path)
            if split.path != "/gateway.do":
                self._send(404, "not found", "text/plain")
                return
            status, page = state.open_cashier(dict(parse_qsl(split.query)))
            self._send(status, page, "text/html; charset=utf-8")

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            split = urlsplit(self.path)
            if split.path.startswith("/cashier/") and split.path.endswith("/pay"):
                out_trade_no = split.path.split("/")[2]
                state.deliver(out_trade_no, state.pay(out_trade_no))
                self._send(303, "", "text/plain", location=state.return_url(out_trade_no))
                return
            if split.path != "/gateway.do":
                self._send(404, "not found", "text/plain")
                return
            with state.lock:
                down = state.outages > 0
                state.outages -= down
            if down:
                self._send(502, "Bad Gateway", "text/plain")
                return
            answer = state.api(dict(parse_qsl(body, keep_blank_values=True)))
            self._send(200, answer, "application/json; charset=utf-8")

    return Handler


class FakeAlipayServer:
    """`with FakeAlipayServer() as alipay:` serves on 127.0.0.1 at a free port."""

    def __init__(self) -> None:
        self.state = FakeAlipay()
        self._serving = Serving(_handler(self.state))
        self.state.url = self._serving.url

    def __enter__(self) -> FakeAlipay:
        self._serving.start()
        return self.state

    def __exit__(self, *exc: object) -> None:
        self._serving.stop()
