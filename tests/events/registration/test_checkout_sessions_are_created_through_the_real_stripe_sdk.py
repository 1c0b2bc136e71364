from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from events.engine import money
from events.gateways import stripe
from tests.fakes.stripe_server import FakeStripe

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def checkout_request(**overrides: object) -> stripe.CheckoutRequest:
    fields: dict[str, object] = {
        "payment_id": 41,
        "entry_id": 7,
        "amount_minor": 128000,
        "currency": "CNY",
        "description": "上海站 · 新手组",
        "customer_email": "driver@example.test",
        "language": "zh-hans",
        "success_url": "http://testserver/ok",
        "cancel_url": "http://testserver/cancel",
        "expires_at": datetime.now(UTC) + timedelta(minutes=45),
        "idempotency_key": "paddock-payment-41-checkout",
    }
    fields.update(overrides)
    return stripe.CheckoutRequest(**fields)  # type: ignore[arg-type]


def test_a_cny_session_offers_card_alipay_and_wechat_pay_for_the_web(
    fake_stripe: FakeStripe,
) -> None:
    session = stripe.create_checkout_session(checkout_request())

    sent = fake_stripe.calls("POST", "/v1/checkout/sessions")[0].params
    assert sent["payment_method_types"] == ["card", "alipay", "wechat_pay"]
    assert sent["payment_method_options"] == {"wechat_pay": {"client": "web"}}
    assert sent["metadata"]["paddock_payment_id"] == "41"
    assert sent["locale"] == "zh"
    assert sent["line_items"][0]["price_data"]["unit_amount"] == "128000"
    assert session.payment_id == 41
    assert session.currency == "CNY"
    assert session.url.startswith(fake_stripe.url)
    assert not session.is_paid


def test_a_currency_without_wallet_support_offers_only_card(fake_stripe: FakeStripe) -> None:
    stripe.create_checkout_session(checkout_request(currency="INR", amount_minor=500000))

    sent = fake_stripe.calls("POST", "/v1/checkout/sessions")[0].params
    assert sent["payment_method_types"] == ["card"]
    assert "payment_method_options" not in sent


def test_the_same_idempotency_key_never_creates_a_second_session(fake_stripe: FakeStripe) -> None:
    # One request sent twice, as a retry does: two requests built a second apart would differ
    # in expires_at, and Stripe rightly refuses a reused key with other parameters.
    request = checkout_request()
    first = stripe.create_checkout_session(request)
    second = stripe.create_checkout_session(request)

    assert first.id == second.id
    assert len(fake_stripe.sessions) == 1
    assert [c.replayed for c in fake_stripe.calls("POST", "/v1/checkout/sessions")] == [
        False,
        True,
    ]


def test_a_session_that_stripe_refuses_raises_a_readable_error(fake_stripe: FakeStripe) -> None:
    too_soon = datetime.now(UTC) + timedelta(minutes=5)

    with pytest.raises(stripe.PaymentProviderError) as raised:
        stripe.create_checkout_session(checkout_request(expires_at=too_soon))

    assert "30 minutes" in raised.value.detail
    assert fake_stripe.sessions == {}


def test_retrieve_reports_a_paid_session_with_its_payment_intent(fake_stripe: FakeStripe) -> None:
    session = stripe.create_checkout_session(checkout_request())
    fake_stripe.pay(session.id)

    paid = stripe.retrieve_checkout_session(session.id)
    intent = stripe.retrieve_payment_intent(paid.payment_intent_id or "")

    assert paid.is_paid
    assert paid.amount_total == 128000
    assert intent.status == "succeeded"
    assert intent.amount_received == 128000


def test_an_open_session_can_be_expired(fake_stripe: FakeStripe) -> None:
    session = stripe.create_checkout_session(checkout_request())

    expired = stripe.expire_checkout_session(session.id)

    assert expired.status == "expired"
    with pytest.raises(stripe.PaymentProviderError):
        stripe.expire_checkout_session(session.id)


def test_a_refund_with_a_repeated_key_refunds_only_once(fake_stripe: FakeStripe) -> None:
    session = stripe.create_checkout_session(checkout_request())
    fake_stripe.pay(session.id)
    intent_id = stripe.retrieve_checkout_session(session.id).payment_intent_id or ""

    first = stripe.create_refund(
        payment_intent_id=intent_id, amount_minor=64000, idempotency_key="r-1", refund_id=1
    )
    again = stripe.create_refund(
        payment_intent_id=intent_id, amount_minor=64000, idempotency_key="r-1", refund_id=1
    )

    assert first.id == again.id
    assert first.status == "succeeded"
    assert fake_stripe.refunded_total(intent_id) == 64000


def test_a_refund_beyond_what_was_paid_is_refused(fake_stripe: FakeStripe) -> None:
    session = stripe.create_checkout_session(checkout_request())
    fake_stripe.pay(session.id)
    intent_id = stripe.retrieve_checkout_session(session.id).payment_intent_id or ""

    with pytest.raises(stripe.PaymentProviderError):
        stripe.create_refund(
            payment_intent_id=intent_id, amount_minor=999999, idempotency_key="r-2", refund_id=2
        )
    assert fake_stripe.refunded_total(intent_id) == 0


def test_without_a_secret_key_online_payment_is_off(settings: object) -> None:
    settings.STRIPE_SECRET_KEY = ""  # type: ignore[attr-defined]

    assert not stripe.stripe_enabled()
    with pytest.raises(stripe.PaymentProviderError):
        stripe.retrieve_checkout_session("cs_test_x")


@pytest.mark.parametrize(
    ("hold_minutes", "expected_minutes"),
    [(90, 90), (30, 31), (5, 31), (60 * 30, 60 * 24)],
)
def test_the_session_expires_with_the_hold_within_stripes_limits(
    hold_minutes: int, expected_minutes: int
) -> None:
    expiry = stripe.checkout_expiry(hold_expires_at=NOW + timedelta(minutes=hold_minutes), now=NOW)

    assert expiry == NOW + timedelta(minutes=expected_minutes)


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("1280.00", "CNY", 128000), ("0.015", "USD", 2), ("5000", "JPY", 5000)],
)
def test_amounts_are_converted_to_stripes_minor_units(
    amount: str, currency: str, minor: int
) -> None:
    from decimal import Decimal

    assert money.to_minor_units(Decimal(amount), currency) == minor
