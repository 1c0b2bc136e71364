"""Stripe unreachable at checkout: the entry stays held, the driver is told to retry, and when
Stripe is back there is still exactly one Checkout Session to pay, so nobody pays twice."""

from __future__ import annotations

import socket
from datetime import timedelta
from typing import Any

import pytest
import stripe
import time_machine
from django.test import Client
from django.utils import timezone

from events.models import Entry, Payment
from tests.faults.lossy_proxy import LossyProxy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_backoff_sleeps(monkeypatch: pytest.MonkeyPatch) -> None:
    # The SDK retries a failed connection twice, sleeping 0.5-2 s between tries; keep the
    # retries (they are part of what is tested) but not the waiting.
    monkeypatch.setattr(stripe._http_client.HTTPClient, "_sleep_time_seconds", lambda *a, **k: 0)


def closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def driver_client(driver: Any) -> Client:
    client = Client()
    client.force_login(driver)
    return client


def pay(client: Client, entry: Entry) -> Any:
    return client.post(f"/entries/{entry.pk}/pay/", HTTP_ACCEPT_LANGUAGE="en", follow=True)


def test_a_refused_connection_keeps_the_entry_held_and_asks_the_driver_to_retry(
    settings, event, driver, register, fake_stripe
):
    entry = register(driver, event.entry_classes.get())
    settings.STRIPE_API_BASE = closed_port()
    client = driver_client(driver)

    page = pay(client, entry)

    assert page.redirect_chain[-1][0] == entry.get_absolute_url()
    assert "could not be reached" in page.content.decode()
    assert "try again" in page.content.decode()
    entry.refresh_from_db()
    assert entry.status == Entry.Status.HELD
    assert not entry.hold_expired(timezone.now())
    assert not Payment.objects.filter(entry=entry, status=Payment.Status.SUCCEEDED).exists()
    assert fake_stripe.calls("POST", "/v1/checkout/sessions") == []

    # Stripe is back: the same button now leads to Checkout.
    settings.STRIPE_API_BASE = fake_stripe.url
    response = client.post(f"/entries/{entry.pk}/pay/")
    assert response.status_code == 302
    assert response["Location"].startswith(fake_stripe.url)
    assert len(fake_stripe.sessions) == 1


def test_the_driver_is_told_in_chinese_too(settings, event, driver, register, fake_stripe):
    entry = register(driver, event.entry_classes.get())
    settings.STRIPE_API_BASE = closed_port()
    page = driver_client(driver).post(
        f"/entries/{entry.pk}/pay/", HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True
    )
    assert "暂时无法连接支付服务" in page.content.decode()


def test_a_lost_answer_then_a_later_retry_leave_one_payable_session(
    settings, event, driver, register, fake_stripe, post_webhook
):
    """Stripe creates the session but the answer never arrives; the driver retries later."""
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        entry = register(driver, event.entry_classes.get())
        client = driver_client(driver)
        with LossyProxy(fake_stripe.url) as proxy:
            settings.STRIPE_API_BASE = proxy.url
            page = pay(client, entry)
            assert "could not be reached" in page.content.decode()
            assert proxy.forwarded == 3  # the first try and the SDK's two retries all got through

        entry.refresh_from_db()
        assert entry.status == Entry.Status.HELD

        clock.shift(timedelta(minutes=2))
        settings.STRIPE_API_BASE = fake_stripe.url
        response = client.post(f"/entries/{entry.pk}/pay/")
        assert response.status_code == 302, response.content.decode()[:500]

    open_sessions = [s for s in fake_stripe.sessions.values() if s["status"] == "open"]
    assert len(open_sessions) == 1, "a second payable Checkout Session exists"
    assert response["Location"] == open_sessions[0]["url"]

    assert post_webhook(fake_stripe.pay(open_sessions[0]["id"])).status_code == 200
    entry.refresh_from_db()
    assert entry.status == Entry.Status.CONFIRMED
    assert Payment.objects.filter(entry=entry, status=Payment.Status.SUCCEEDED).count() == 1
