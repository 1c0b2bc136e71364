"""Keeping more than is held, a negative or non-numeric amount, no note, a deposit already
settled, Stripe refusing or unreachable: each is a clear message on the entry page, never a 500,
and the deposit stays as it was (or, when Stripe's answer is unknown, waits for a retry)."""

from __future__ import annotations

import socket
from typing import Any

import pytest
import stripe

from events.models import AuditLog, Deposit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def no_backoff_sleeps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stripe._http_client.HTTPClient, "_sleep_time_seconds", lambda *a, **k: 0)


@pytest.fixture
def staff_client(client: Any, staff_member: Any) -> Any:
    client.force_login(staff_member)
    return client


def closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def post(client: Any, url: str, data: dict[str, str] | None = None) -> str:
    response = client.post(url, data or {}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("2000.01", "You can keep at most 2000.00 CNY, the amount held."),
        ("-5", "Enter an amount above zero; to give everything back, release it."),
        ("0", "Enter an amount above zero; to give everything back, release it."),
        ("lots", "Enter the amount as a number, for example 500 or 500.50."),
        ("NaN", "Enter the amount as a number, for example 500 or 500.50."),
        ("1.005", "Enter at most two decimals."),
        ("99999999999", "That amount is too large."),
    ],
)
def test_an_amount_that_cannot_be_kept_is_refused(
    staff_client: Any,
    authorised_deposit: Deposit,
    deposit_url: Any,
    fake_stripe: Any,
    amount: str,
    message: str,
) -> None:
    page = post(
        staff_client,
        deposit_url(authorised_deposit.entry, "capture"),
        {"amount": amount, "note": "Scratched"},
    )

    assert message.replace("'", "&#x27;") in page
    authorised_deposit.refresh_from_db()
    assert authorised_deposit.status == Deposit.Status.HELD
    assert not fake_stripe.calls("POST", "/v1/payment_intents/")


def test_keeping_money_needs_a_note(
    staff_client: Any, authorised_deposit: Deposit, deposit_url: Any
) -> None:
    page = post(staff_client, deposit_url(authorised_deposit.entry, "capture"), {"amount": "10"})

    assert "Say what the damage is: the driver receives this note." in page
    authorised_deposit.refresh_from_db()
    assert authorised_deposit.status == Deposit.Status.HELD


def test_a_settled_deposit_cannot_be_settled_again(
    staff_client: Any, authorised_deposit: Deposit, deposit_url: Any, fake_stripe: Any
) -> None:
    entry = authorised_deposit.entry
    post(staff_client, deposit_url(entry, "release"))

    again = post(staff_client, deposit_url(entry, "capture"), {"amount": "10", "note": "Late"})
    release = post(staff_client, deposit_url(entry, "release"))

    assert "This deposit was already settled." in again
    assert "This deposit was already settled." in release
    authorised_deposit.refresh_from_db()
    assert authorised_deposit.status == Deposit.Status.RELEASED
    assert len(fake_stripe.calls("POST", "/v1/payment_intents/")) == 1


def test_nothing_is_kept_before_the_driver_authorised(
    staff_client: Any, deposit_entry: Any, deposit_url: Any, fake_stripe: Any
) -> None:
    post(staff_client, deposit_url(deposit_entry, "card"))

    page = post(staff_client, deposit_url(deposit_entry, "capture"), {"amount": "1", "note": "x"})

    assert "This deposit is not held, so there is nothing to settle." in page


def test_an_entry_without_a_deposit_and_an_unknown_action(
    staff_client: Any, deposit_entry: Any, deposit_url: Any
) -> None:
    page = post(staff_client, deposit_url(deposit_entry, "release"))

    assert "This entry has no deposit." in page
    assert staff_client.post(deposit_url(deposit_entry, "steal")).status_code == 404
    assert staff_client.get(deposit_url(deposit_entry, "release")).status_code == 405


def test_stripe_unreachable_keeps_the_request_and_a_retry_captures_once(
    staff_client: Any,
    authorised_deposit: Deposit,
    deposit_url: Any,
    fake_stripe: Any,
    settings: Any,
) -> None:
    entry = authorised_deposit.entry
    settings.STRIPE_API_BASE = closed_port()

    page = post(staff_client, deposit_url(entry, "capture"), {"amount": "300", "note": "Bumper"})

    assert "The payment service could not be reached. Please try again in a minute." in page
    assert "Retry with Stripe" in page
    authorised_deposit.refresh_from_db()
    assert authorised_deposit.status == Deposit.Status.SETTLING
    assert authorised_deposit.settle_capture_minor == 30000
    # Another try with a different amount must not race the unknown one.
    other = post(staff_client, deposit_url(entry, "capture"), {"amount": "5", "note": "x"})
    assert "This deposit is already being settled." in other

    settings.STRIPE_API_BASE = fake_stripe.url
    post(staff_client, deposit_url(entry, "retry"))

    authorised_deposit.refresh_from_db()
    assert (authorised_deposit.status, authorised_deposit.captured_minor) == ("captured", 30000)
    assert authorised_deposit.note == "Bumper"
    [capture] = fake_stripe.calls("POST", "/v1/payment_intents/")
    assert capture.params == {"amount_to_capture": "30000"}
    assert AuditLog.objects.filter(entry=entry, action="deposit_settle_failed").count() == 1


def test_a_refusal_by_stripe_leaves_the_deposit_held(
    staff_client: Any, authorised_deposit: Deposit, deposit_url: Any, fake_stripe: Any
) -> None:
    fake_stripe.fail_next("POST", "/v1/payment_intents/", status=400, message="Try later.")
    entry = authorised_deposit.entry

    page = post(staff_client, deposit_url(entry, "capture"), {"amount": "300", "note": "Bumper"})

    assert "The payment service refused the request: Try later." in page
    authorised_deposit.refresh_from_db()
    assert authorised_deposit.status == Deposit.Status.HELD
    # Stripe keeps its refusal under the old key; the next try uses a new one and succeeds.
    post(staff_client, deposit_url(entry, "capture"), {"amount": "300", "note": "Bumper"})
    authorised_deposit.refresh_from_db()
    assert authorised_deposit.status == Deposit.Status.CAPTURED
    keys = [c.idempotency_key for c in fake_stripe.calls("POST", "/v1/payment_intents/")]
    assert keys == [
        f"paddock-deposit-{authorised_deposit.pk}-settle-0",
        f"paddock-deposit-{authorised_deposit.pk}-settle-1",
    ]


def test_a_lapsed_authorisation_is_recorded_as_released_and_staff_are_told(
    staff_client: Any, authorised_deposit: Deposit, deposit_url: Any, fake_stripe: Any
) -> None:
    fake_stripe.lapse(authorised_deposit.stripe_payment_intent_id)

    page = post(
        staff_client,
        deposit_url(authorised_deposit.entry, "capture"),
        {"amount": "300", "note": "Bumper"},
    )

    assert "Stripe had already settled this authorisation: 0.00 CNY was kept." in page
    authorised_deposit.refresh_from_db()
    assert (authorised_deposit.status, authorised_deposit.captured_minor) == ("released", 0)


def test_stripe_unreachable_when_sending_the_link_lets_staff_send_it_again(
    staff_client: Any,
    deposit_entry: Any,
    deposit_url: Any,
    fake_stripe: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core import mail

    settings.STRIPE_API_BASE = closed_port()
    mail.outbox.clear()

    page = post(staff_client, deposit_url(deposit_entry, "card"))

    assert "The payment service could not be reached. Please try again in a minute." in page
    assert "Send the driver a card authorisation link" in page
    deposit = Deposit.objects.get(entry=deposit_entry)
    assert (deposit.status, deposit.checkout_url) == (Deposit.Status.REQUESTED, "")

    settings.STRIPE_API_BASE = fake_stripe.url
    with django_capture_on_commit_callbacks(execute=True):
        post(staff_client, deposit_url(deposit_entry, "card"))

    deposit.refresh_from_db()
    assert deposit.checkout_url
    # The same deposit row and key: had the lost request reached Stripe, it would be replayed.
    [create] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert create.idempotency_key == f"paddock-deposit-{deposit.pk}-checkout"
    assert len(mail.outbox) == 1
