"""`payment_intent.canceled` for a deposit: a lapsed authorisation (Stripe cancels it after about
7 days) makes the deposit EXPIRED so staff may take a new one; one cancelled in Stripe's dashboard
is RELEASED. Once per Stripe event, one e-mail at most, and our own cancellations change nothing."""

from __future__ import annotations

import socket
from typing import Any

import pytest
import stripe
from django.core import mail

from events.models import AuditLog, Deposit, StripeEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def no_backoff_sleeps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stripe._http_client.HTTPClient, "_sleep_time_seconds", lambda *a, **k: 0)


def staff_page(client: Any, deposit: Deposit) -> str:
    event = deposit.entry.event
    return client.get(
        f"/organizer/{event.organization.slug}/events/{event.slug}/entries/{deposit.entry_id}/",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()


def test_a_lapsed_authorisation_expires_the_deposit_once_and_staff_may_take_another(
    client: Any,
    staff_member: Any,
    authorised_deposit: Deposit,
    fake_stripe: Any,
    post_webhook: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    mail.outbox.clear()
    lapsed = fake_stripe.lapse(authorised_deposit.stripe_payment_intent_id)

    with django_capture_on_commit_callbacks(execute=True):
        first = post_webhook(lapsed)
    with django_capture_on_commit_callbacks(execute=True):
        again = post_webhook(lapsed)

    assert (first.content, again.content) == (b"ok", b"duplicate")
    authorised_deposit.refresh_from_db()
    assert authorised_deposit.status == Deposit.Status.EXPIRED
    entry = authorised_deposit.entry
    row = AuditLog.objects.get(entry=entry, action="deposit_lapsed")
    assert (row.from_status, row.to_status) == ("held", "expired")
    assert "automatic" in row.detail
    [email] = mail.outbox
    assert email.subject == f"Damage deposit released: {entry.event.title}"
    assert "the authorisation on your card is cancelled" in email.body
    assert StripeEvent.objects.filter(type="payment_intent.canceled").count() == 1
    client.force_login(staff_member)
    page = staff_page(client, authorised_deposit)
    assert 'data-deposit-warning="lapsed"' in page
    assert "Record deposit held at the track" in page
    # Staff take it again, in cash this time.
    from events.services.deposits import hold_deposit_at_track

    again_held = hold_deposit_at_track(entry_id=entry.pk, actor=staff_member)
    assert again_held.status == Deposit.Status.HELD
    assert 'data-deposit-warning="lapsed"' not in staff_page(client, authorised_deposit)


def test_a_cancellation_in_stripes_dashboard_releases_it_with_one_email(
    authorised_deposit: Deposit,
    fake_stripe: Any,
    post_webhook: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    mail.outbox.clear()
    cancelled = fake_stripe.lapse(
        authorised_deposit.stripe_payment_intent_id, reason="requested_by_customer"
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(cancelled).status_code == 200

    authorised_deposit.refresh_from_db()
    assert (authorised_deposit.status, authorised_deposit.captured_minor) == ("released", 0)
    row = AuditLog.objects.get(entry=authorised_deposit.entry, action="deposit_released")
    assert "requested_by_customer" in row.detail
    assert len(mail.outbox) == 1


def test_the_event_for_our_own_release_changes_nothing(
    staff_member: Any,
    authorised_deposit: Deposit,
    fake_stripe: Any,
    post_webhook: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from events.services.deposits import release_deposit

    with django_capture_on_commit_callbacks(execute=True):
        release_deposit(deposit_id=authorised_deposit.pk, actor=staff_member)
    mail.outbox.clear()
    intent = fake_stripe.payment_intents[authorised_deposit.stripe_payment_intent_id]

    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(fake_stripe.event("payment_intent.canceled", intent)).status_code == 200

    authorised_deposit.refresh_from_db()
    assert authorised_deposit.status == Deposit.Status.RELEASED
    assert (
        AuditLog.objects.filter(entry=authorised_deposit.entry, action="deposit_released").count()
        == 1
    )
    assert mail.outbox == []


def test_a_release_whose_answer_was_lost_is_finished_by_the_webhook(
    client: Any,
    staff_member: Any,
    authorised_deposit: Deposit,
    deposit_url: Any,
    fake_stripe: Any,
    post_webhook: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        settings.STRIPE_API_BASE = f"http://127.0.0.1:{probe.getsockname()[1]}"
    client.force_login(staff_member)
    client.post(deposit_url(authorised_deposit.entry, "release"))
    authorised_deposit.refresh_from_db()
    assert authorised_deposit.status == Deposit.Status.SETTLING
    settings.STRIPE_API_BASE = fake_stripe.url
    mail.outbox.clear()
    # Cancelled at Stripe after all (in the dashboard, or our request did arrive).
    cancelled = fake_stripe.lapse(authorised_deposit.stripe_payment_intent_id, reason="abandoned")

    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(cancelled)

    authorised_deposit.refresh_from_db()
    assert authorised_deposit.status == Deposit.Status.RELEASED
    assert len(mail.outbox) == 1
    page = client.post(
        deposit_url(authorised_deposit.entry, "retry"), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "This deposit is not waiting for Stripe." in page


def test_a_cancellation_before_the_authorisation_arrives_keeps_a_late_one_from_holding(
    deposit_entry: Any,
    staff_member: Any,
    fake_stripe: Any,
    post_webhook: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from events.services.deposits import request_card_deposit

    link = request_card_deposit(entry_id=deposit_entry.pk, actor=staff_member)
    authorised = fake_stripe.authorise(link.stripe_session_id)
    intent_id = authorised["data"]["object"]["id"]
    mail.outbox.clear()

    # Stripe does not promise the order of events: the cancellation comes first.
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(fake_stripe.lapse(intent_id))
        post_webhook(authorised)

    link.refresh_from_db()
    assert link.status == Deposit.Status.EXPIRED
    assert link.stripe_payment_intent_id == intent_id
    assert not AuditLog.objects.filter(entry=deposit_entry, action="deposit_authorised").exists()
    assert (
        AuditLog.objects.filter(
            entry=deposit_entry, action="deposit_authorisation_cancelled"
        ).count()
        == 1
    )
    assert mail.outbox == []


def test_a_cancelled_entry_payment_intent_is_ignored(
    paid_entry: Any, fake_stripe: Any, post_webhook: Any
) -> None:
    _entry, payment = paid_entry()
    intent = dict(fake_stripe.payment_intents[payment.stripe_payment_intent_id])
    intent.update(status="canceled")

    assert post_webhook(fake_stripe.event("payment_intent.canceled", intent)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "succeeded"
