"""For Stripe, WeChat Pay and Alipay alike: five deliveries of the provider's message and the
return page racing each other confirm once, and a message that meets a held lock answers 503
(stores nothing) and succeeds when the provider delivers it again."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from events.models import AuditLog, Entry, Payment
from events.services.checkout import check_order_return, check_return
from tests.events.locks import event_lock_held

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("english")]


def come_back(pay_through: Any, entry: Any, payment: Any) -> Payment:
    if pay_through.name == "stripe":
        return check_return(entry=entry, session_id=payment.stripe_session_id)
    return check_order_return(entry=entry, payment_id=payment.pk)


def test_five_deliveries_and_the_return_page_at_once_confirm_once(
    transactional_db: None, pay_through: Any, event: Any, driver: Any, register: Any
) -> None:
    entry = register(driver, event.entry_classes.get())
    payment = pay_through.start(entry, driver)
    message = pay_through.pay(payment)
    start = threading.Barrier(6)
    answers: list[Any] = []
    returned: list[Any] = []

    def deliver() -> None:
        start.wait()
        try:
            answers.append(pay_through.deliver(message, Client()))
        finally:
            connection.close()

    def return_page() -> None:
        start.wait()
        try:
            returned.append(come_back(pay_through, entry, payment).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(5)]
    threads.append(threading.Thread(target=return_page))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(answers) == 5 and all(pay_through.accepted(a) for a in answers)
    assert returned == [Payment.Status.SUCCEEDED]
    entry.refresh_from_db()
    assert entry.status == Entry.Status.CONFIRMED
    assert AuditLog.objects.filter(entry=entry, action="confirmed").count() == 1
    assert pay_through.stored_messages() == 1
    assert len(mail.outbox) == 1


def test_a_message_that_meets_a_held_lock_answers_503_and_succeeds_when_delivered_again(
    transactional_db: None,
    pay_through: Any,
    event: Any,
    driver: Any,
    register: Any,
    settings: Any,
) -> None:
    settings.PADDOCK_LOCK_TIMEOUT_MS = 200
    entry = register(driver, event.entry_classes.get())
    payment = pay_through.start(entry, driver)
    message = pay_through.pay(payment)
    with event_lock_held(event.pk):
        first = pay_through.deliver(message, Client())

    assert first.status_code == 503
    assert not pay_through.accepted(first)
    assert pay_through.stored_messages() == 0
    assert Entry.objects.get(pk=entry.pk).status == Entry.Status.HELD

    assert pay_through.accepted(pay_through.deliver(message, Client()))
    assert Entry.objects.get(pk=entry.pk).status == Entry.Status.CONFIRMED
