"""What every payment provider module speaks: plain dataclasses and two exceptions.

Stripe (events/gateways/stripe.py), WeChat Pay (wechatpay.py) and Alipay (alipay.py) each turn
these into their own HTTP calls and read their answers back into them, so services never see a
provider's JSON. Amounts are integer minor units (fen for CNY) everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class PaymentProviderError(Exception):
    """The provider refused or could not be reached. The message is safe to show to users."""

    def __init__(self, message: str, *, detail: str = "", definitive: bool = True) -> None:
        super().__init__(message)
        self.detail = detail
        # False when the provider could not be reached: the outcome is unknown, so a retry must
        # reuse the same idempotency key (order number, refund number); True when it answered.
        self.definitive = definitive


class InvalidNotification(Exception):
    """A notification whose signature, age or body is not what the provider would send."""


class Client:
    """Where the payer is: the page a provider shows differs for each."""

    DESKTOP = "desktop"  # a QR code to scan (WeChat Native) or the provider's cashier page
    PHONE = "phone"  # a phone browser: WeChat H5, Alipay wap pay
    WECHAT = "wechat"  # inside WeChat's own browser: JSAPI


@dataclass(frozen=True)
class OrderRequest:
    """An order placed with a merchant-account provider under our own order number."""

    reference: str  # our order number (out_trade_no), unique per payment row
    amount_minor: int
    currency: str
    description: str
    client: str
    return_url: str
    notify_url: str
    expires_at: datetime
    payer_ip: str = "127.0.0.1"
    openid: str = ""  # the payer inside WeChat (JSAPI only)


@dataclass(frozen=True)
class StartedOrder:
    reference: str
    url: str  # where to send the payer, or (qr=True) what to show as a QR code
    qr: bool = False
    # JSAPI: the parameters WeixinJSBridge's getBrandWCPayRequest takes, signed.
    bridge: dict[str, str] | None = None


@dataclass(frozen=True)
class OrderState:
    """What the provider says about an order (from a query or a verified notification)."""

    reference: str
    transaction_id: str
    paid: bool
    closed: bool
    amount_minor: int
    currency: str


@dataclass(frozen=True)
class RefundOutcome:
    id: str  # the provider's refund id (or our refund number when it has none)
    reference: str  # our refund number (out_refund_no / out_request_no)
    status: str  # succeeded, pending, failed
    amount_minor: int


@dataclass(frozen=True)
class Notification:
    """A verified asynchronous notification: one of `order` or `refund` is set for the kinds we
    act on; `id` is unique per notification and is stored so that a replay changes nothing."""

    id: str
    kind: str  # payment, refund, other
    order: OrderState | None = None
    refund: RefundOutcome | None = None
