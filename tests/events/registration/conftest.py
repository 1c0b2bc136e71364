"""Fixtures for registration and payments: the fake Stripe server and a signed-webhook poster."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone, translation

from events.engine import money
from tests.fakes.stripe_server import FakeStripe, FakeStripeServer

WEBHOOK_SECRET = "whsec_paddock_test_secret"


@pytest.fixture
def fake_stripe(settings: Any) -> Iterator[FakeStripe]:
    """A running fake Stripe; the real SDK in events.gateways.stripe is pointed at it."""
    with FakeStripeServer() as state:
        settings.STRIPE_SECRET_KEY = state.api_key
        settings.STRIPE_API_BASE = state.url
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        yield state


@pytest.fixture
def register(db: None) -> Any:
    """register(driver, entry_class, **overrides): the service as the entry form calls it."""
    from events.services.registration import register_entry

    def call(driver: Any, entry_class: Any, **overrides: Any) -> Any:
        event = entry_class.event
        event.refresh_from_db()
        fee = money.to_minor_units(
            entry_class.fee_at(overrides.get("now") or timezone.now()),
            event.organization.currency,
        )
        fields: dict[str, Any] = {
            "driver": driver,
            "entry_class_id": entry_class.pk,
            "event_id": event.pk,
            "event_sequence": event.sequence,
            "shown_fee_minor": fee,
            # As the entry form does: the driver's language is the one they browse in.
            "language": translation.get_language() or "zh-hans",
        }
        fields.update(overrides)
        return register_entry(**fields)

    return call


@pytest.fixture
def drivers(make_user: Any) -> Any:
    """drivers(n): n verified driver accounts."""

    def make(n: int, prefix: str = "racer") -> list[Any]:
        return [make_user(f"{prefix}{i}@example.test") for i in range(n)]

    return make


@pytest.fixture
def post_webhook(client: Any) -> Any:
    """post_webhook(event_dict, secret=..., timestamp=...): deliver a signed Stripe event."""
    from tests.fakes.stripe_signing import signed_event

    def post(event: dict[str, Any], *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
        body, signature = signed_event(event, secret, timestamp=timestamp)
        # LocaleMiddleware leaves the request's language active; keep the test's own.
        with translation.override(translation.get_language()):
            return client.post(
                "/payments/stripe/webhook/",
                data=body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=signature,
            )

    return post


@pytest.fixture
def held_and_checked_out(event: Any, driver: Any, register: Any, fake_stripe: Any) -> Any:
    """A HELD entry with its Checkout Session open at the fake Stripe."""
    from events.services.checkout import start_checkout

    entry = register(driver, event.entry_classes.get())
    payment = start_checkout(entry_id=entry.pk, driver=driver)
    return entry, payment


@pytest.fixture
def paid_entry(event: Any, driver: Any, register: Any, fake_stripe: Any, post_webhook: Any) -> Any:
    """paid_entry(driver=..., entry_class=...): an entry paid through Checkout and the webhook."""
    from events.services.checkout import start_checkout

    def make(who: Any = None, entry_class: Any = None) -> Any:
        who = who or driver
        entry = register(who, entry_class or event.entry_classes.get())
        payment = start_checkout(entry_id=entry.pk, driver=who)
        assert post_webhook(fake_stripe.pay(payment.stripe_session_id)).status_code == 200
        entry.refresh_from_db()
        payment.refresh_from_db()
        return entry, payment

    return make


@pytest.fixture
def deposit_entry(event: Any, driver: Any, register: Any, settings: Any) -> Any:
    """A confirmed entry (paid at the track) in a class with a 2,000.00 CNY damage deposit.

    Registered without Stripe keys, whatever fixtures came before, so it needs no checkout;
    the keys are put back afterwards for tests that authorise the deposit by card.
    """
    from decimal import Decimal

    entry_class = event.entry_classes.get()
    entry_class.damage_deposit = Decimal("2000.00")
    entry_class.save()
    key = settings.STRIPE_SECRET_KEY
    settings.STRIPE_SECRET_KEY = ""
    entry = register(driver, entry_class)
    settings.STRIPE_SECRET_KEY = key
    return entry


@pytest.fixture
def deposit_url() -> Any:
    """deposit_url(entry, action): the staff URL that takes or settles an entry's deposit."""

    def url(entry: Any, action: str) -> str:
        event = entry.event
        return (
            f"/organizer/{event.organization.slug}/events/{event.slug}/entries/{entry.pk}/"
            f"deposit/{action}/"
        )

    return url


@pytest.fixture
def authorised_deposit(
    deposit_entry: Any,
    staff_member: Any,
    fake_stripe: Any,
    post_webhook: Any,
    django_capture_on_commit_callbacks: Any,
) -> Any:
    """A card deposit the driver authorised at check-in (through the webhook)."""
    from events.services.deposits import request_card_deposit

    with django_capture_on_commit_callbacks(execute=True):
        deposit = request_card_deposit(entry_id=deposit_entry.pk, actor=staff_member)
    assert post_webhook(fake_stripe.authorise(deposit.stripe_session_id)).status_code == 200
    deposit.refresh_from_db()
    return deposit


@pytest.fixture
def race() -> Any:
    """race([call, ...]): start the calls at the same moment in threads, each with its own
    database connection; their results, or the message of the PaymentFlowError each raised."""
    import threading

    from django.db import connection

    from events.exceptions import PaymentFlowError

    def run_all(calls: list[Any]) -> list[object]:
        start = threading.Barrier(len(calls))
        results: list[object] = []

        def run(call: Any) -> None:
            start.wait()
            try:
                # The active language is per thread: messages in English, as the tests read them.
                with translation.override("en"):
                    results.append(call())
            except PaymentFlowError as exc:
                results.append(str(exc))
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(call,)) for call in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return results

    return run_all


# --- organizers' own merchant accounts: WeChat Pay and Alipay --------------------------------


@pytest.fixture
def fake_wechatpay(settings: Any) -> Iterator[Any]:
    """A running fake WeChat Pay; events.gateways.wechatpay is pointed at it."""
    from tests.fakes.wechatpay_server import FakeWeChatPayServer

    with FakeWeChatPayServer() as state:
        settings.WECHATPAY_API_BASE = state.url
        yield state


@pytest.fixture
def fake_alipay(settings: Any) -> Iterator[Any]:
    """A running fake Alipay gateway; events.gateways.alipay is pointed at it."""
    from tests.fakes.alipay_server import FakeAlipayServer

    with FakeAlipayServer() as state:
        settings.ALIPAY_GATEWAY = state.gateway
        yield state


@pytest.fixture
def connect_merchant() -> Any:
    """connect_merchant(organization, fake, provider): saved as the owner's form does, tested
    against the fake (which must pass) and enabled."""
    from events.services.merchants import check_connection, save_account

    def connect(organization: Any, fake: Any, provider: str) -> Any:
        account = save_account(
            organization=organization, provider=provider, enabled=True, **fake.account_fields()
        )
        account = check_connection(account_id=account.pk)
        assert account.test_passed, account.test_message
        return account

    return connect


class PayThrough:
    """One provider, driven the same way in tests: start an order, pay it at the fake (getting
    back the message the provider would send), deliver that message, come back to our site."""

    def __init__(self, name: str, request: Any) -> None:
        self.name = name
        self.request = request
        self.client = request.getfixturevalue("client")
        if name == "stripe":
            self.fake = request.getfixturevalue("fake_stripe")
        else:
            self.fake = request.getfixturevalue(f"fake_{name}")
            organization = request.getfixturevalue("organization")
            self.account = request.getfixturevalue("connect_merchant")(
                organization, self.fake, name
            )

    def start(self, entry: Any, driver: Any) -> Any:
        from events.services.checkout import start_checkout

        if self.name == "stripe":
            return start_checkout(entry_id=entry.pk, driver=driver)
        return start_checkout(entry_id=entry.pk, driver=driver, provider=self.name)

    def pay(self, payment: Any) -> Any:
        """The payer pays; returns the provider's signed message about it."""
        if self.name == "stripe":
            return self.fake.pay(payment.stripe_session_id)
        if self.name == "alipay":
            # Alipay makes the trade when the payer's browser opens the signed cashier address.
            self.fake.open(payment.checkout_url)
        return self.fake.pay(payment.provider_reference)

    def tell_again(self, payment: Any) -> Any:
        """The provider's message about a paid order, sent again under a new id."""
        if self.name == "stripe":
            session = self.fake.sessions[payment.stripe_session_id]
            return self.fake.event("checkout.session.completed", session)
        return self.fake.pay(payment.provider_reference)

    def deliver(self, message: Any, client: Any = None) -> Any:
        """Post the message to our site (with `client`: from another thread's own client)."""
        client = client or self.client
        with translation.override(translation.get_language()):
            if self.name == "stripe":
                from tests.fakes.stripe_signing import signed_event

                body, signature = signed_event(message, WEBHOOK_SECRET)
                return client.post(
                    "/payments/stripe/webhook/",
                    data=body,
                    content_type="application/json",
                    HTTP_STRIPE_SIGNATURE=signature,
                )
            if self.name == "wechatpay":
                return client.post(
                    self.account.notify_url(),
                    data=message.body,
                    content_type="application/json",
                    **message.django_headers,
                )
            from urllib.parse import urlencode

            return client.post(
                self.account.notify_url(),
                data=urlencode(message),
                content_type="application/x-www-form-urlencoded",
            )

    def outage(self) -> None:
        """The provider's next API call fails at its gateway (nothing done)."""
        if self.name == "stripe":
            self.fake.fail_next("POST", "/v1/refunds", status=500, message="stripe is down")
        else:
            self.fake.outages = 1

    def stored_messages(self) -> int:
        """How many of the provider's messages were stored as handled."""
        from events.models import ProviderNotification, StripeEvent

        if self.name == "stripe":
            return StripeEvent.objects.count()
        return ProviderNotification.objects.count()

    def accepted(self, response: Any) -> bool:
        if self.name == "alipay":
            return response.status_code == 200 and response.content == b"success"
        return response.status_code in (200, 204)

    def return_url(self, entry: Any, payment: Any) -> str:
        if self.name == "stripe":
            return f"/entries/{entry.pk}/paid/?session_id={payment.stripe_session_id}"
        return f"/entries/{entry.pk}/paid/?payment={payment.pk}"

    def refunded_total(self, payment: Any) -> int:
        if self.name == "stripe":
            return int(self.fake.refunded_total(payment.stripe_payment_intent_id))
        return int(self.fake.refunded_total(payment.provider_reference))


@pytest.fixture(params=["stripe", "wechatpay", "alipay"])
def pay_through(request: Any, db: None) -> PayThrough:
    """Each payment provider in turn, behind one driver (see PayThrough)."""
    return PayThrough(request.param, request)
