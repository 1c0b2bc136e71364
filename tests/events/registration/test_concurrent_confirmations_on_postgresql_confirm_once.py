"""The webhook and the return page racing each other, and a webhook meeting a held lock."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import Client

from events.models import AuditLog, Entry, Event, Payment, StripeEvent
from events.services.checkout import check_return, start_checkout
from tests.events.registration.conftest import WEBHOOK_SECRET
from tests.fakes.stripe_signing import signed_event

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("english")]


def deliver(event: dict[str, Any]) -> int:
    body, signature = signed_event(event, WEBHOOK_SECRET)
    response = Client().post(
        "/payments/stripe/webhook/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )
    return response.status_code


def test_five_webhooks_and_the_return_page_at_once_confirm_once(
    transactional_db: None, event: Any, driver: Any, register: Any, fake_stripe: Any
) -> None:
    entry = register(driver, event.entry_classes.get())
    payment = start_checkout(entry_id=entry.pk, driver=driver)
    completed = fake_stripe.pay(payment.stripe_session_id)
    start = threading.Barrier(6)
    results: list[object] = []

    def webhook() -> None:
        start.wait()
        try:
            results.append(deliver(completed))
        finally:
            connection.close()

    def return_page() -> None:
        start.wait()
        try:
            results.append(check_return(entry=entry, session_id=payment.stripe_session_id).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=webhook) for _ in range(5)]
    threads.append(threading.Thread(target=return_page))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(map(str, results)) == sorted(["200"] * 5 + [Payment.Status.SUCCEEDED])
    entry.refresh_from_db()
    assert entry.status == Entry.Status.CONFIRMED
    assert AuditLog.objects.filter(entry=entry, action="confirmed").count() == 1
    assert StripeEvent.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_webhook_that_meets_a_held_lock_answers_503_and_succeeds_on_retry(
    transactional_db: None,
    event: Any,
    driver: Any,
    register: Any,
    fake_stripe: Any,
    settings: Any,
) -> None:
    settings.PADDOCK_LOCK_TIMEOUT_MS = 200
    entry = register(driver, event.entry_classes.get())
    payment = start_checkout(entry_id=entry.pk, driver=driver)
    completed = fake_stripe.pay(payment.stripe_session_id)
    locked, release = threading.Event(), threading.Event()

    def hold_the_event_lock() -> None:
        try:
            with transaction.atomic():
                Event.objects.select_for_update().get(pk=event.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_event_lock)
    holder.start()
    locked.wait(timeout=10)
    try:
        first = deliver(completed)
    finally:
        release.set()
        holder.join(timeout=30)

    assert first == 503
    assert StripeEvent.objects.count() == 0
    assert Entry.objects.get(pk=entry.pk).status == Entry.Status.HELD

    assert deliver(completed) == 200
    assert Entry.objects.get(pk=entry.pk).status == Entry.Status.CONFIRMED
