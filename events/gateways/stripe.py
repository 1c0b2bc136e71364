"""The one module that talks to Stripe. Everything else speaks in the dataclasses below.

Callers pass plain values (our payment id, integer minor units, an ISO currency) and get plain
values back, so services never see a Stripe object and tests can point the real SDK at a local fake
server through `settings.STRIPE_API_BASE`.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

# One error type for every provider (events/gateways/base.py); named here too, as before.
from events.gateways.base import PaymentProviderError as PaymentProviderError

# Presentment currencies per Stripe's "Accept an Alipay payment" and "Accept a WeChat Pay payment"
# (Checkout) pages; card takes any currency Stripe supports.
ALIPAY_CURRENCIES = frozenset(
    {"aud", "cad", "cny", "eur", "gbp", "hkd", "jpy", "nzd", "sgd", "usd", "myr"}
)
WECHAT_PAY_CURRENCIES = frozenset(
    {"aud", "cad", "cny", "eur", "gbp", "hkd", "jpy", "sgd", "usd", "dkk", "nok", "sek", "chf"}
)
# Stripe refuses a Checkout Session whose expires_at is under 30 minutes or over 24 hours away.
CHECKOUT_MIN_LIFETIME = timedelta(minutes=30)
CHECKOUT_MAX_LIFETIME = timedelta(hours=24)
# Our request reaches Stripe a little after we compute the expiry; keep clear of its minimum.
CHECKOUT_CLOCK_MARGIN = timedelta(minutes=1)


class InvalidWebhook(Exception):
    """The webhook body or its signature is not what Stripe would send."""


class MalformedObject(ValueError):
    """A Stripe object lacks a field we read, or holds a value of the wrong type."""


@dataclass(frozen=True)
class CheckoutRequest:
    payment_id: int
    entry_id: int
    amount_minor: int
    currency: str
    description: str
    customer_email: str
    language: str
    success_url: str
    cancel_url: str
    expires_at: datetime
    idempotency_key: str


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    status: str  # open, complete, expired
    payment_status: str  # paid, unpaid, no_payment_required
    payment_intent_id: str | None
    amount_total: int
    currency: str
    payment_id: int | None
    deposit_id: int | None = None
    entry_id: int | None = None

    @property
    def is_paid(self) -> bool:
        return self.status == "complete" and self.payment_status == "paid"


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str  # pending, succeeded, failed, canceled, requires_action
    amount_minor: int


@dataclass(frozen=True)
class PaymentIntentInfo:
    id: str
    status: str
    amount_received: int
    currency: str


@dataclass(frozen=True)
class DepositCheckoutRequest:
    deposit_id: int
    entry_id: int
    amount_minor: int
    currency: str
    description: str
    customer_email: str
    language: str
    success_url: str
    cancel_url: str
    idempotency_key: str


@dataclass(frozen=True)
class Authorisation:
    """A card authorisation (a PaymentIntent with manual capture), as Paddock needs to see it."""

    id: str
    status: str  # requires_capture, succeeded (captured), canceled, ...
    amount_capturable: int
    amount_received: int
    currency: str
    deposit_id: int | None
    # Why Stripe cancelled it: "automatic" or "expired" when the authorisation lapsed uncaptured.
    cancellation_reason: str = ""

    @property
    def lapsed(self) -> bool:
        return self.cancellation_reason in ("automatic", "expired")


@dataclass(frozen=True)
class ChargeRefunds:
    """What a `charge.refunded` event tells: how much of which PaymentIntent is refunded."""

    payment_intent_id: str | None
    amount_refunded: int


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    object: dict[str, Any]


def stripe_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def payment_method_types(currency: str) -> list[str]:
    currency = currency.lower()
    methods = ["card"]
    if currency in ALIPAY_CURRENCIES:
        methods.append("alipay")
    if currency in WECHAT_PAY_CURRENCIES:
        methods.append("wechat_pay")
    return methods


def checkout_expiry(*, hold_expires_at: datetime, now: datetime) -> datetime:
    """When the Checkout Session should expire: at the hold's end, within Stripe's limits.

    A hold shorter than Stripe's 30-minute minimum cannot be matched; the caller then extends the
    hold to this time, so that the session never outlives the place it pays for.
    """
    earliest = now + CHECKOUT_MIN_LIFETIME + CHECKOUT_CLOCK_MARGIN
    latest = now + CHECKOUT_MAX_LIFETIME
    return min(max(hold_expires_at, earliest), latest).replace(microsecond=0)


@functools.lru_cache(maxsize=4)
def _client_for(api_key: str, api_base: str) -> stripe.StripeClient:
    base_addresses: Any = {"api": api_base} if api_base else None
    # Our own idempotency keys make the SDK's retries safe.
    return stripe.StripeClient(api_key, base_addresses=base_addresses, max_network_retries=2)


def _client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise PaymentProviderError(_("Online payment is not configured for this site."))
    return _client_for(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


def _stripe_locale(language: str) -> str:
    return "zh" if language.lower().startswith("zh") else "en"


# Readers of Stripe objects, from the SDK's answers and from webhooks alike. A signed webhook
# can still carry a body we never expected (a test event, another API version, a hand-made
# "resend"): each field is checked for its type, so such a body is refused as a whole rather
# than half-read or crashing.


def _field(obj: Any, key: str, kind: type | tuple[type, ...], *, nullable: bool = False) -> Any:
    value = obj.get(key)
    if value is None and nullable:
        return None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise MalformedObject(f"{key} is {type(value).__name__}")
    return value


def _text(obj: Any, key: str) -> str:
    return _field(obj, key, str, nullable=True) or ""


def _whole(obj: Any, key: str) -> int:
    return _field(obj, key, int, nullable=True) or 0


def _id(obj: Any) -> str:
    value = _field(obj, "id", str)
    if not value:
        raise MalformedObject("id is empty")
    return str(value)


def _metadata(obj: Any) -> dict[str, str]:
    metadata = _field(obj, "metadata", dict)
    if not all(isinstance(value, str) for value in metadata.values()):
        raise MalformedObject("metadata holds a value that is not text")
    return dict(metadata)


def _metadata_id(metadata: dict[str, str], key: str) -> int | None:
    raw = metadata.get(key)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise MalformedObject(f"metadata {key} is not a number")
    return int(raw)


def _session(obj: Any) -> CheckoutSession:
    intent = obj.get("payment_intent")
    if isinstance(intent, dict):
        intent = _id(intent)
    elif intent is not None and not isinstance(intent, str):
        raise MalformedObject("payment_intent is neither an id nor an object")
    metadata = _metadata(obj)
    return CheckoutSession(
        id=_id(obj),
        url=_text(obj, "url"),
        status=_field(obj, "status", str),
        payment_status=_field(obj, "payment_status", str),
        payment_intent_id=intent,
        amount_total=_whole(obj, "amount_total"),
        currency=_text(obj, "currency").upper(),
        payment_id=_metadata_id(metadata, "paddock_payment_id"),
        deposit_id=_metadata_id(metadata, "paddock_deposit_id"),
        entry_id=_metadata_id(metadata, "paddock_entry_id"),
    )


def session_from_event(event: WebhookEvent) -> CheckoutSession:
    return _session(event.object)


def _provider_error(exc: stripe.StripeError) -> PaymentProviderError:
    if isinstance(exc, stripe.APIConnectionError):
        return PaymentProviderError(
            _("The payment service could not be reached. Please try again in a minute."),
            detail=str(exc),
            definitive=False,
        )
    return PaymentProviderError(
        _("The payment service refused the request: %(reason)s")
        % {"reason": exc.user_message or _("unknown reason")},
        detail=str(exc),
    )


def create_checkout_session(request: CheckoutRequest) -> CheckoutSession:
    currency = request.currency.lower()
    methods = payment_method_types(currency)
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency,
                    "unit_amount": request.amount_minor,
                    "product_data": {"name": request.description[:250]},
                },
            }
        ],
        "payment_method_types": methods,
        "client_reference_id": str(request.entry_id),
        "customer_email": request.customer_email,
        "locale": _stripe_locale(request.language),
        "success_url": request.success_url,
        "cancel_url": request.cancel_url,
        "expires_at": int(request.expires_at.astimezone(UTC).timestamp()),
        "metadata": {
            "paddock_payment_id": str(request.payment_id),
            "paddock_entry_id": str(request.entry_id),
        },
        "payment_intent_data": {"metadata": {"paddock_payment_id": str(request.payment_id)}},
    }
    if "wechat_pay" in methods:
        params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
    try:
        session = _client().v1.checkout.sessions.create(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": request.idempotency_key},
        )
    except stripe.StripeError as exc:
        raise _provider_error(exc) from exc
    return _session(session)


def create_deposit_checkout_session(request: DepositCheckoutRequest) -> CheckoutSession:
    """A Checkout Session that only authorises the deposit on the driver's card.

    Manual capture exists for cards only (Alipay and WeChat Pay take the money at once), and
    Stripe lets an authorisation lapse after about 7 days. The session keeps Stripe's default
    lifetime (24 hours): the driver authorises at check-in.
    """
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": request.currency.lower(),
                    "unit_amount": request.amount_minor,
                    "product_data": {"name": request.description[:250]},
                },
            }
        ],
        "payment_method_types": ["card"],
        "client_reference_id": str(request.entry_id),
        "customer_email": request.customer_email,
        "locale": _stripe_locale(request.language),
        "success_url": request.success_url,
        "cancel_url": request.cancel_url,
        "metadata": {
            "paddock_deposit_id": str(request.deposit_id),
            "paddock_entry_id": str(request.entry_id),
        },
        "payment_intent_data": {
            "capture_method": "manual",
            "metadata": {"paddock_deposit_id": str(request.deposit_id)},
        },
    }
    try:
        session = _client().v1.checkout.sessions.create(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": request.idempotency_key},
        )
    except stripe.StripeError as exc:
        raise _provider_error(exc) from exc
    return _session(session)


def _authorisation(obj: Any) -> Authorisation:
    return Authorisation(
        id=_id(obj),
        status=_field(obj, "status", str),
        amount_capturable=_whole(obj, "amount_capturable"),
        amount_received=_whole(obj, "amount_received"),
        currency=_text(obj, "currency").upper(),
        deposit_id=_metadata_id(_metadata(obj), "paddock_deposit_id"),
        cancellation_reason=_text(obj, "cancellation_reason"),
    )


def authorisation_from_event(event: WebhookEvent) -> Authorisation:
    return _authorisation(event.object)


def _charge_refunds(obj: Any) -> ChargeRefunds:
    intent = obj.get("payment_intent")
    if isinstance(intent, dict):
        intent = _id(intent)
    elif intent is not None and not isinstance(intent, str):
        raise MalformedObject("payment_intent is neither an id nor an object")
    return ChargeRefunds(
        payment_intent_id=intent or None, amount_refunded=_whole(obj, "amount_refunded")
    )


def charge_refunds_from_event(event: WebhookEvent) -> ChargeRefunds:
    return _charge_refunds(event.object)


def capture_authorisation(
    *, payment_intent_id: str, amount_minor: int, idempotency_key: str
) -> Authorisation:
    """Take `amount_minor` of an authorisation; Stripe releases the rest at once."""
    try:
        intent = _client().v1.payment_intents.capture(
            payment_intent_id,
            params={"amount_to_capture": amount_minor},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise _provider_error(exc) from exc
    return _authorisation(intent)


def cancel_authorisation(*, payment_intent_id: str, idempotency_key: str) -> Authorisation:
    try:
        intent = _client().v1.payment_intents.cancel(
            payment_intent_id, options={"idempotency_key": idempotency_key}
        )
    except stripe.StripeError as exc:
        raise _provider_error(exc) from exc
    return _authorisation(intent)


def retrieve_authorisation(payment_intent_id: str) -> Authorisation:
    try:
        return _authorisation(_client().v1.payment_intents.retrieve(payment_intent_id))
    except stripe.StripeError as exc:
        raise _provider_error(exc) from exc


def retrieve_checkout_session(session_id: str) -> CheckoutSession:
    try:
        return _session(_client().v1.checkout.sessions.retrieve(session_id))
    except stripe.StripeError as exc:
        raise _provider_error(exc) from exc


def expire_checkout_session(session_id: str) -> CheckoutSession:
    try:
        return _session(_client().v1.checkout.sessions.expire(session_id))
    except stripe.StripeError as exc:
        raise _provider_error(exc) from exc


def retrieve_payment_intent(payment_intent_id: str) -> PaymentIntentInfo:
    try:
        intent = _client().v1.payment_intents.retrieve(payment_intent_id)
    except stripe.StripeError as exc:
        raise _provider_error(exc) from exc
    return PaymentIntentInfo(
        id=intent["id"],
        status=intent["status"],
        amount_received=int(intent.get("amount_received") or 0),
        currency=(intent.get("currency") or "").upper(),
    )


def create_refund(
    *, payment_intent_id: str, amount_minor: int, idempotency_key: str, refund_id: int
) -> RefundResult:
    try:
        refund = _client().v1.refunds.create(
            params={
                "payment_intent": payment_intent_id,
                "amount": amount_minor,
                "metadata": {"paddock_refund_id": str(refund_id)},
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise _provider_error(exc) from exc
    return RefundResult(
        id=refund["id"], status=refund["status"], amount_minor=int(refund["amount"])
    )


# The events we act on, and the reader each one's object must pass before anything is stored.
_WEBHOOK_READERS: dict[str, Any] = {
    "checkout.session.completed": _session,
    "checkout.session.async_payment_succeeded": _session,
    "checkout.session.async_payment_failed": _session,
    "checkout.session.expired": _session,
    "payment_intent.amount_capturable_updated": _authorisation,
    "payment_intent.canceled": _authorisation,
    "charge.refunded": _charge_refunds,
}


def parse_webhook(payload: bytes, signature_header: str) -> WebhookEvent:
    """Verify Stripe's signature over the raw body (and its age) and return the event.

    Only the signature is left to the SDK: its event objects are built from whatever JSON was
    signed and fail in their own ways on a list or a string. The body is read here instead, and
    the object of an event we act on must pass its reader, so a signed but malformed body is an
    `InvalidWebhook` (a 400) before any row is written.
    """
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise InvalidWebhook("STRIPE_WEBHOOK_SECRET is not set")
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(
            text, signature_header, secret, tolerance=stripe.Webhook.DEFAULT_TOLERANCE
        )
        event = json.loads(text)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise InvalidWebhook(str(exc)) from exc
    data = event.get("data") if isinstance(event, dict) else None
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise InvalidWebhook("not a Stripe event")
    event_id, event_type = event.get("id"), event.get("type")
    if not (isinstance(event_id, str) and event_id and isinstance(event_type, str) and event_type):
        raise InvalidWebhook("not a Stripe event")
    reader = _WEBHOOK_READERS.get(event_type)
    if reader is not None:
        try:
            reader(obj)
        except MalformedObject as exc:
            raise InvalidWebhook(f"{event_type}: {exc}") from exc
    return WebhookEvent(id=event_id, type=event_type, object=obj)
