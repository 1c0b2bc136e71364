"""A small fake of the Stripe HTTP API, for tests: the real `stripe` SDK talks to it over HTTP.

It implements only what Paddock calls (Checkout Sessions create/retrieve/expire, Refunds create,
PaymentIntents retrieve, capture and cancel for manual-capture deposits), validates parameters the way Stripe documents them where Paddock could get
them wrong (currencies per payment method, the 30-minute..24-hour window of `expires_at`, refunds
beyond the amount paid), honours `Idempotency-Key` (same key + same body replays the first answer;
same key + another body is an `idempotency_error`), and records every request so that a test can
assert that nothing was charged or refunded twice.

Tests drive the "customer" side directly in Python (`pay`, `expire`, `fail`) and get back
Stripe-shaped event objects to sign and post to the webhook.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

ALIPAY_CURRENCIES = {"aud", "cad", "cny", "eur", "gbp", "hkd", "jpy", "nzd", "sgd", "usd", "myr"}
WECHAT_PAY_CURRENCIES = {
    "aud", "cad", "cny", "eur", "gbp", "hkd", "jpy", "sgd", "usd", "dkk", "nok", "sek", "chf",
}  # fmt: skip
MIN_EXPIRY_SECONDS = 30 * 60
MAX_EXPIRY_SECONDS = 24 * 60 * 60


def decode_form(body: str) -> dict[str, Any]:
    """Turn Stripe's bracketed form encoding (`a[b][0][c]=1`) back into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node: Any = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            nxt = None if last else parts[index + 1]
            if isinstance(node, list):
                position = int(part)
                while len(node) <= position:
                    node.append(None)
                if last:
                    node[position] = value
                else:
                    if node[position] is None:
                        node[position] = [] if nxt is not None and nxt.isdigit() else {}
                    node = node[position]
            else:
                if last:
                    node[part] = value
                else:
                    if part not in node:
                        node[part] = [] if nxt is not None and nxt.isdigit() else {}
                    node = node[part]
    return root


class StripeFakeError(Exception):
    def __init__(self, status: int, message: str, *, type_: str = "invalid_request_error",
                 code: str | None = None, param: str | None = None) -> None:  # fmt: skip
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type_, "message": message, "code": code, "param": param}}


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict[str, Any]
    idempotency_key: str | None
    replayed: bool
    status: int


@dataclass
class FakeStripe:
    """The state of the fake Stripe account. All methods are thread-safe."""

    api_key: str = "sk_test_paddock_fake"
    url: str = ""
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    payment_intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Per session, what its PaymentIntent will be made with (not part of the session object).
    intent_data: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    _idempotency: dict[str, tuple[str, int, dict[str, Any]]] = field(default_factory=dict)
    _failures: list[tuple[str, str, int, str]] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # --- what tests inspect -------------------------------------------------------------------

    def calls(
        self, method: str, path_prefix: str, *, replayed: bool | None = None
    ) -> list[RecordedRequest]:
        with self._lock:
            return [
                r
                for r in self.requests
                if r.method == method
                and r.path.startswith(path_prefix)
                and (replayed is None or r.replayed == replayed)
            ]

    def refunded_total(self, payment_intent_id: str) -> int:
        with self._lock:
            return sum(
                r["amount"]
                for r in self.refunds.values()
                if r["payment_intent"] == payment_intent_id and r["status"] == "succeeded"
            )

    # --- what tests do as "the customer" or as "Stripe" ---------------------------------------

    def fail_next(self, method: str, path_prefix: str, *, status: int = 402,
                  message: str = "Your card was declined.") -> None:  # fmt: skip
        """Make the next matching API call fail once (e.g. a refund Stripe refuses)."""
        with self._lock:
            self._failures.append((method, path_prefix, status, message))

    def pay(self, session_id: str, *, method: str = "card") -> dict[str, Any]:
        """The customer completes Checkout: returns the `checkout.session.completed` event."""
        with self._lock:
            session = self.sessions[session_id]
            if session["status"] != "open":
                raise AssertionError(f"session {session_id} is {session['status']}, not open")
            intent = self._new_payment_intent(session, method=method, status="succeeded")
            session.update(status="complete", payment_status="paid", payment_intent=intent["id"])
            return self.event("checkout.session.completed", session)

    def authorise(self, session_id: str) -> dict[str, Any]:
        """The customer authorises a manual-capture session on their card: returns the
        `payment_intent.amount_capturable_updated` event (the session completes unpaid)."""
        with self._lock:
            session = self.sessions[session_id]
            if session["status"] != "open" or self._capture_method(session) != "manual":
                raise AssertionError(f"session {session_id} cannot be authorised")
            intent = self._new_payment_intent(session, method="card", status="requires_capture")
            session.update(status="complete", payment_status="unpaid", payment_intent=intent["id"])
            return self.event("payment_intent.amount_capturable_updated", intent)

    def lapse(self, payment_intent_id: str, *, reason: str = "automatic") -> dict[str, Any]:
        """Stripe cancels an authorisation nobody captured in time (about 7 days), or someone
        cancels it in the dashboard (`reason="requested_by_customer"`): returns the
        `payment_intent.canceled` event."""
        with self._lock:
            intent = self.payment_intents[payment_intent_id]
            intent.update(status="canceled", amount_capturable=0, cancellation_reason=reason)
            return self.event("payment_intent.canceled", intent)

    def expire(self, session_id: str) -> dict[str, Any]:
        """Stripe expires the session: returns the `checkout.session.expired` event."""
        with self._lock:
            session = self.sessions[session_id]
            session.update(status="expired")
            return self.event("checkout.session.expired", session)

    def fail(self, session_id: str) -> dict[str, Any]:
        """A delayed method fails after Checkout: `checkout.session.async_payment_failed`."""
        with self._lock:
            session = self.sessions[session_id]
            intent = self._new_payment_intent(
                session, method="alipay", status="requires_payment_method"
            )
            session.update(status="complete", payment_status="unpaid", payment_intent=intent["id"])
            return self.event("checkout.session.async_payment_failed", session)

    def event(self, type_: str, obj: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": "evt_" + secrets.token_hex(12),
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": type_,
            "data": {"object": json.loads(json.dumps(obj))},
        }

    # --- the HTTP API -------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, params: dict[str, Any], key: str | None
    ) -> tuple[int, dict[str, Any], bool]:
        with self._lock:
            fingerprint = json.dumps([method, path, params], sort_keys=True)
            if key and method == "POST" and key in self._idempotency:
                previous, status, body = self._idempotency[key]
                if previous != fingerprint:
                    error = StripeFakeError(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters "
                        "they were first used with.",
                        type_="idempotency_error",
                    )
                    self._record(method, path, params, key, False, error.status)
                    return error.status, error.body, False
                self._record(method, path, params, key, True, status)
                return status, body, True
            try:
                self._maybe_fail(method, path)
                status, body = 200, self._route(method, path, params)
            except StripeFakeError as exc:
                status, body = exc.status, exc.body
            if key and method == "POST":
                self._idempotency[key] = (fingerprint, status, body)
            self._record(method, path, params, key, False, status)
            return status, body, False

    def _record(self, method: str, path: str, params: dict[str, Any], key: str | None,
                replayed: bool, status: int) -> None:  # fmt: skip
        self.requests.append(RecordedRequest(method, path, params, key, replayed, status))

    def _maybe_fail(self, method: str, path: str) -> None:
        for index, (m, prefix, status, message) in enumerate(self._failures):
            if m == method and path.startswith(prefix):
                del self._failures[index]
                raise StripeFakeError(status, message, type_="card_error", code="card_declined")

    def _route(self, method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        parts = path.strip("/").split("/")
        if parts[:3] == ["v1", "checkout", "sessions"]:
            if method == "POST" and len(parts) == 3:
                return self._create_session(params)
            session = self.sessions.get(parts[3]) if len(parts) > 3 else None
            if session is None:
                raise StripeFakeError(404, "No such checkout.session", code="resource_missing")
            if method == "GET" and len(parts) == 4:
                return session
            if method == "POST" and parts[4:] == ["expire"]:
                if session["status"] != "open":
                    raise StripeFakeError(
                        400, f"Only Checkout Sessions with a status of open can be expired; "
                        f"this one is {session['status']}."
                    )  # fmt: skip
                session["status"] = "expired"
                return session
        if parts[:2] == ["v1", "payment_intents"] and len(parts) in (3, 4):
            intent = self.payment_intents.get(parts[2])
            if intent is None:
                raise StripeFakeError(404, "No such payment_intent", code="resource_missing")
            if method == "GET" and len(parts) == 3:
                return intent
            if method == "POST" and parts[3:] == ["capture"]:
                return self._capture(intent, params)
            if method == "POST" and parts[3:] == ["cancel"]:
                if intent["status"] in ("succeeded", "canceled"):
                    raise StripeFakeError(
                        400, "You cannot cancel this PaymentIntent because it has a status of "
                        f"{intent['status']}.", code="payment_intent_unexpected_state",
                    )  # fmt: skip
                intent.update(
                    status="canceled",
                    amount_capturable=0,
                    cancellation_reason=params.get("cancellation_reason"),
                )
                return intent
        if parts == ["v1", "refunds"] and method == "POST":
            return self._create_refund(params)
        raise StripeFakeError(404, f"Unrecognized request URL ({method}: {path}).")

    def _create_session(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("mode") != "payment":
            raise StripeFakeError(400, "mode must be payment", param="mode")
        items = params.get("line_items") or []
        if len(items) != 1:
            raise StripeFakeError(400, "Paddock sends exactly one line item", param="line_items")
        price = items[0].get("price_data") or {}
        currency = (price.get("currency") or "").lower()
        amount = int(price.get("unit_amount", "0"))
        quantity = int(items[0].get("quantity", "1"))
        if amount <= 0:
            raise StripeFakeError(400, "unit_amount must be positive", param="unit_amount")
        methods = params.get("payment_method_types") or []
        intent_data = params.get("payment_intent_data") or {}
        if intent_data.get("capture_method") == "manual" and set(methods) != {"card"}:
            raise StripeFakeError(
                400, "Only card payments support manual capture.",
                param="payment_intent_data[capture_method]",
            )  # fmt: skip
        if "alipay" in methods and currency not in ALIPAY_CURRENCIES:
            raise StripeFakeError(400, f"alipay does not support {currency}")
        if "wechat_pay" in methods:
            if currency not in WECHAT_PAY_CURRENCIES:
                raise StripeFakeError(400, f"wechat_pay does not support {currency}")
            client = (
                (params.get("payment_method_options") or {}).get("wechat_pay", {}).get("client")
            )
            if client != "web":
                raise StripeFakeError(
                    400, "payment_method_options[wechat_pay][client] is required",
                    param="payment_method_options[wechat_pay][client]",
                )  # fmt: skip
        now = int(time.time())
        expires_at = int(params.get("expires_at") or now + MAX_EXPIRY_SECONDS)
        if not now + MIN_EXPIRY_SECONDS <= expires_at <= now + MAX_EXPIRY_SECONDS:
            raise StripeFakeError(
                400, "The `expires_at` timestamp must be between 30 minutes and 24 hours from "
                "Checkout Session creation.", param="expires_at",
            )  # fmt: skip
        session_id = "cs_test_" + secrets.token_hex(16)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": amount * quantity,
            "amount_total": amount * quantity,
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": now,
            "currency": currency,
            "customer_email": params.get("customer_email"),
            "expires_at": expires_at,
            "livemode": False,
            "locale": params.get("locale"),
            "metadata": params.get("metadata") or {},
            "mode": "payment",
            "payment_intent": None,
            "payment_method_options": params.get("payment_method_options") or {},
            "payment_method_types": methods or ["card"],
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params.get("success_url"),
            "url": f"{self.url}/pay/{session_id}",
        }
        self.intent_data[session_id] = intent_data
        self.sessions[session_id] = session
        return session

    def _new_payment_intent(
        self, session: dict[str, Any], *, method: str, status: str
    ) -> dict[str, Any]:
        intent_id = "pi_" + secrets.token_hex(12)
        received = session["amount_total"] if status == "succeeded" else 0
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": session["amount_total"],
            "amount_capturable": session["amount_total"] if status == "requires_capture" else 0,
            "amount_received": received,
            "capture_method": self._capture_method(session),
            "currency": session["currency"],
            "latest_charge": "ch_" + secrets.token_hex(12) if received else None,
            "metadata": dict(
                self.intent_data.get(session["id"], {}).get("metadata") or session["metadata"]
            ),
            "payment_method_types": [method],
            "status": status,
            "cancellation_reason": None,
        }
        self.payment_intents[intent_id] = intent
        return intent

    def _capture_method(self, session: dict[str, Any]) -> str:
        return self.intent_data.get(session["id"], {}).get("capture_method") or "automatic"

    def _capture(self, intent: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        if intent["status"] != "requires_capture":
            raise StripeFakeError(
                400, "This PaymentIntent could not be captured because it has a status of "
                f"{intent['status']}.", code="payment_intent_unexpected_state",
            )  # fmt: skip
        amount = int(params.get("amount_to_capture") or intent["amount_capturable"])
        if amount <= 0 or amount > intent["amount_capturable"]:
            raise StripeFakeError(
                400, "amount_to_capture must be at most the amount capturable.",
                param="amount_to_capture",
            )  # fmt: skip
        # One capture only (no multicapture): the rest of the authorisation is released.
        intent.update(
            status="succeeded",
            amount_received=amount,
            amount_capturable=0,
            latest_charge="ch_" + secrets.token_hex(12),
        )
        return intent

    def _create_refund(self, params: dict[str, Any]) -> dict[str, Any]:
        intent = self.payment_intents.get(params.get("payment_intent", ""))
        if intent is None or intent["status"] != "succeeded":
            raise StripeFakeError(400, "No such payment_intent", code="resource_missing")
        remaining = intent["amount_received"] - self.refunded_total(intent["id"])
        amount = int(params.get("amount") or remaining)
        if remaining <= 0:
            raise StripeFakeError(400, "Charge has already been refunded.",
                                  code="charge_already_refunded")  # fmt: skip
        if amount <= 0 or amount > remaining:
            raise StripeFakeError(
                400, f"Refund amount ({amount}) is greater than unrefunded amount ({remaining}).",
                param="amount",
            )  # fmt: skip
        refund = {
            "id": "re_" + secrets.token_hex(12),
            "object": "refund",
            "amount": amount,
            "charge": intent["latest_charge"],
            "created": int(time.time()),
            "currency": intent["currency"],
            "metadata": params.get("metadata") or {},
            "payment_intent": intent["id"],
            "reason": params.get("reason"),
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        return refund


def _make_handler(state: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet test output

        def _serve(self, method: str) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else split.query
            if self.headers.get("Authorization") != f"Bearer {state.api_key}":
                status, body, replayed = (
                    401,
                    {"error": {"type": "invalid_request_error", "message": "Invalid API Key"}},
                    False,
                )
            else:
                status, body, replayed = state.handle(
                    method, split.path, decode_form(raw), self.headers.get("Idempotency-Key")
                )
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Request-Id", "req_" + secrets.token_hex(8))
            # Our failures are final: tell the SDK not to retry (and not to sleep before it).
            self.send_header("Stripe-Should-Retry", "false")
            if replayed:
                self.send_header("Idempotent-Replayed", "true")
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler


class FakeStripeServer:
    """`with FakeStripeServer() as stripe_fake:` serves on 127.0.0.1 at a free port."""

    def __init__(self) -> None:
        self.state = FakeStripe()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self.state))
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.state.url = f"http://{host}:{port}"
        # A short poll interval keeps shutdown (once per test) from costing half a second.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def __enter__(self) -> FakeStripe:
        self._thread.start()
        return self.state

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
