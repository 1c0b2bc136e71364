"""The guarantees Paddock gives for online payment, for Stripe, WeChat Pay and Alipay alike:
each runs through its fake server with the real signing (and, for WeChat Pay, encryption)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from events.models import AuditLog, Entry, Payment, Refund

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_five_deliveries_of_one_payment_confirm_the_entry_once(
    pay_through: Any,
    event: Any,
    driver: Any,
    register: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry = register(driver, event.entry_classes.get())
    payment = pay_through.start(entry, driver)
    message = pay_through.pay(payment)

    with django_capture_on_commit_callbacks(execute=True):
        answers = [pay_through.deliver(message) for _ in range(5)]

    assert all(pay_through.accepted(answer) for answer in answers)
    entry.refresh_from_db()
    payment.refresh_from_db()
    assert entry.status == Entry.Status.CONFIRMED
    assert payment.status == Payment.Status.SUCCEEDED
    assert AuditLog.objects.filter(entry=entry, action="confirmed").count() == 1
    assert AuditLog.objects.filter(payment=payment, action="payment_succeeded").count() == 1
    assert len(mail.outbox) == 1


def test_the_return_page_and_the_notification_together_confirm_once(
    pay_through: Any,
    event: Any,
    driver: Any,
    register: Any,
    client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry = register(driver, event.entry_classes.get())
    payment = pay_through.start(entry, driver)
    message = pay_through.pay(payment)
    client.force_login(driver)

    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(pay_through.return_url(entry, payment))
        answer = pay_through.deliver(message)

    assert page.status_code == 302
    assert pay_through.accepted(answer)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.CONFIRMED
    assert AuditLog.objects.filter(entry=entry, action="confirmed").count() == 1
    assert len(mail.outbox) == 1


def test_the_return_page_alone_confirms_by_asking_the_provider(
    pay_through: Any, event: Any, driver: Any, register: Any, client: Any
) -> None:
    entry = register(driver, event.entry_classes.get())
    payment = pay_through.start(entry, driver)
    pay_through.pay(payment)  # the message never arrives
    client.force_login(driver)

    client.get(pay_through.return_url(entry, payment))

    entry.refresh_from_db()
    payment.refresh_from_db()
    assert entry.status == Entry.Status.CONFIRMED
    assert payment.status == Payment.Status.SUCCEEDED


def test_the_return_page_of_an_unpaid_order_keeps_the_hold(
    pay_through: Any, event: Any, driver: Any, register: Any, client: Any
) -> None:
    entry = register(driver, event.entry_classes.get())
    payment = pay_through.start(entry, driver)
    client.force_login(driver)

    client.get(pay_through.return_url(entry, payment))

    entry.refresh_from_db()
    payment.refresh_from_db()
    assert entry.status == Entry.Status.HELD
    assert payment.status == Payment.Status.PENDING


def test_a_late_payment_for_a_place_given_away_is_refunded_in_full(
    pay_through: Any,
    make_entry_class: Any,
    event: Any,
    drivers: Any,
    register: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry_class = make_entry_class(event, name="Solo", capacity=1)
    slow, quick = drivers(2)
    entry = register(slow, entry_class)
    payment = pay_through.start(entry, slow)

    with time_machine.travel(timezone.now() + timedelta(minutes=40), tick=False):
        register(quick, entry_class)
        message = pay_through.pay(payment)
        with django_capture_on_commit_callbacks(execute=True):
            assert pay_through.accepted(pay_through.deliver(message))

    entry.refresh_from_db()
    payment.refresh_from_db()
    assert entry.status == Entry.Status.EXPIRED
    refund = Refund.objects.get(payment=payment)
    assert refund.reason == Refund.Reason.LATE_PAYMENT
    assert pay_through.refunded_total(payment) == 80000
    if pay_through.name == "wechatpay":
        # WeChat Pay accepts the refund and pays it out later: its notification finishes it.
        assert refund.status == Refund.Status.PENDING
        with django_capture_on_commit_callbacks(execute=True):
            settled = pay_through.fake.settle_refund(refund.idempotency_key)
            assert pay_through.accepted(pay_through.deliver(settled))
        refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    payment.refresh_from_db()
    assert payment.refunded_minor == 80000
    assert any("too late" in m.subject for m in mail.outbox if slow.email in m.to)


def test_a_new_delivery_about_a_paid_order_changes_nothing(
    pay_through: Any,
    event: Any,
    driver: Any,
    register: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry = register(driver, event.entry_classes.get())
    payment = pay_through.start(entry, driver)
    with django_capture_on_commit_callbacks(execute=True):
        assert pay_through.accepted(pay_through.deliver(pay_through.pay(payment)))

    # The provider tells again, under a new message id (a retry after a lost answer).
    with django_capture_on_commit_callbacks(execute=True):
        assert pay_through.accepted(pay_through.deliver(pay_through.tell_again(payment)))

    entry.refresh_from_db()
    assert entry.status == Entry.Status.CONFIRMED
    assert AuditLog.objects.filter(entry=entry, action="confirmed").count() == 1
    assert not Refund.objects.exists()
    assert len(mail.outbox) == 1


def test_the_audit_trail_names_the_service_whose_word_confirmed_the_entry(
    pay_through: Any,
    event: Any,
    driver: Any,
    register: Any,
    client: Any,
    staff_member: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry = register(driver, event.entry_classes.get())
    payment = pay_through.start(entry, driver)
    with django_capture_on_commit_callbacks(execute=True):
        pay_through.deliver(pay_through.pay(payment))
    client.force_login(staff_member)

    page = client.get(
        f"/organizer/{event.organization.slug}/events/{event.slug}/audit/",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()

    expected = {"stripe": "Stripe", "wechatpay": "WeChat Pay", "alipay": "Alipay"}[pay_through.name]
    confirmed = next(row for row in page.split("<tr")[1:] if "Entry confirmed" in row)
    assert f"<td>{expected}</td>" in confirmed
    assert "Online payment received" in page
