"""The one interface every payment provider sits behind.

Services hold a `Provider` and never branch on which one it is: an order is created under our
own number (`create_order`), asked about on the return page (`query_order`), closed when its
place is gone (`close_order`) and refunded by policy (`refund`). Stripe's Checkout Sessions,
WeChat Pay and Alipay orders, and payment at the track all answer these four calls.

Stripe's session is created by `checkout.start_checkout` through `stripe.create_checkout_session`
as before (its session id is the reference, known only once Stripe answers), and its webhook
keeps its own module (it also carries card deposits); the other three calls go through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl

from django.utils.translation import gettext as _

from events.gateways import alipay, stripe, wechatpay
from events.gateways.base import (
    InvalidNotification,
    Notification,
    OrderRequest,
    OrderState,
    PaymentProviderError,
    RefundOutcome,
    StartedOrder,
)


class Provider(Protocol):
    code: str
    # False for payment at the track: refunds are paid back in person.
    online: bool

    def create_order(self, request: OrderRequest) -> StartedOrder: ...

    def query_order(self, reference: str) -> OrderState | None: ...

    def close_order(self, reference: str) -> None: ...

    def parse_notification(self, headers: Any, body: bytes) -> Notification: ...

    def refund(
        self,
        *,
        reference: str,
        refund_reference: str,
        amount_minor: int,
        total_minor: int,
        notify_url: str,
        refund_id: int,
    ) -> RefundOutcome: ...


class StripeProvider:
    """Stripe Checkout: the reference of an order is its Checkout Session id for queries and
    closing, and its PaymentIntent id for refunds."""

    code = "stripe"
    online = True

    def create_order(self, request: OrderRequest) -> StartedOrder:
        raise PaymentProviderError(_("Stripe sessions are created by the checkout service."))

    def query_order(self, reference: str) -> OrderState | None:
        session = stripe.retrieve_checkout_session(reference)
        return OrderState(
            reference=session.id,
            transaction_id=session.payment_intent_id or "",
            paid=session.is_paid,
            closed=session.status == "expired",
            amount_minor=session.amount_total,
            currency=session.currency,
        )

    def close_order(self, reference: str) -> None:
        stripe.expire_checkout_session(reference)

    def parse_notification(self, headers: Any, body: bytes) -> Notification:
        raise InvalidNotification("Stripe's webhook has its own address and reader")

    def refund(
        self,
        *,
        reference: str,
        refund_reference: str,
        amount_minor: int,
        total_minor: int,
        notify_url: str,
        refund_id: int,
    ) -> RefundOutcome:
        result = stripe.create_refund(
            payment_intent_id=reference,
            amount_minor=amount_minor,
            idempotency_key=refund_reference,
            refund_id=refund_id,
        )
        # Stripe's card refunds are final once accepted: Paddock has always counted them so.
        return RefundOutcome(
            id=result.id, reference=refund_reference, status="succeeded", amount_minor=amount_minor
        )


@dataclass(frozen=True)
class WeChatPayProvider:
    account: wechatpay.Account
    code = "wechatpay"
    online = True

    def create_order(self, request: OrderRequest) -> StartedOrder:
        return wechatpay.create_order(self.account, request)

    def query_order(self, reference: str) -> OrderState | None:
        return wechatpay.query_order(self.account, reference)

    def close_order(self, reference: str) -> None:
        wechatpay.close_order(self.account, reference)

    def parse_notification(self, headers: Any, body: bytes) -> Notification:
        return wechatpay.parse_notification(self.account, headers, body)

    def refund(
        self,
        *,
        reference: str,
        refund_reference: str,
        amount_minor: int,
        total_minor: int,
        notify_url: str,
        refund_id: int,
    ) -> RefundOutcome:
        return wechatpay.refund(
            self.account,
            reference=reference,
            refund_reference=refund_reference,
            amount_minor=amount_minor,
            total_minor=total_minor,
            notify_url=notify_url,
        )


@dataclass(frozen=True)
class AlipayProvider:
    account: alipay.Account
    code = "alipay"
    online = True

    def create_order(self, request: OrderRequest) -> StartedOrder:
        return alipay.create_order(self.account, request)

    def query_order(self, reference: str) -> OrderState | None:
        return alipay.query_order(self.account, reference)

    def close_order(self, reference: str) -> None:
        alipay.close_order(self.account, reference)

    def parse_notification(self, headers: Any, body: bytes) -> Notification:
        try:
            form = dict(
                parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
            )
        except ValueError as exc:
            raise InvalidNotification("not a form") from exc
        return alipay.parse_notification(self.account, form)

    def refund(
        self,
        *,
        reference: str,
        refund_reference: str,
        amount_minor: int,
        total_minor: int,
        notify_url: str,
        refund_id: int,
    ) -> RefundOutcome:
        return alipay.refund(
            self.account,
            reference=reference,
            refund_reference=refund_reference,
            amount_minor=amount_minor,
        )


class AtTrackProvider:
    """Paid in cash or by card at the track: nothing to ask, and refunds are paid in person."""

    code = "at_track"
    online = False

    def create_order(self, request: OrderRequest) -> StartedOrder:
        raise PaymentProviderError(_("This payment is made at the track."))

    def query_order(self, reference: str) -> OrderState | None:
        return None

    def close_order(self, reference: str) -> None:
        return None

    def parse_notification(self, headers: Any, body: bytes) -> Notification:
        raise InvalidNotification("nothing is notified of a payment at the track")

    def refund(
        self,
        *,
        reference: str,
        refund_reference: str,
        amount_minor: int,
        total_minor: int,
        notify_url: str,
        refund_id: int,
    ) -> RefundOutcome:
        return RefundOutcome(
            id="", reference=refund_reference, status="manual", amount_minor=amount_minor
        )
