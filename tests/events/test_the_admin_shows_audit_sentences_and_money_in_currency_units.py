"""On the Chinese admin the audit log reads as the translated sentences the organizer's audit page
uses (not codes like `place_taken`), and payments, refunds, deposits and fees read as money
("800.00 CNY"), not as minor units ("80000")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from events.models import AuditLog, Deposit, Payment, Refund
from tests.world import World, build_world

pytestmark = [pytest.mark.django_db]

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}


@pytest.fixture
def world(make_user: Callable[..., Any]) -> World:
    world = build_world(make_user)
    payment = Payment.objects.create(
        entry=world.entry,
        method=Payment.Method.AT_TRACK,
        status=Payment.Status.SUCCEEDED,
        amount_minor=80000,
        refunded_minor=12345,
        currency="CNY",
    )
    Refund.objects.create(
        payment=payment,
        amount_minor=12345,
        status=Refund.Status.SUCCEEDED,
        reason=Refund.Reason.EXTERNAL,
    )
    Deposit.objects.create(
        entry=world.entry,
        method=Deposit.Method.AT_TRACK,
        status=Deposit.Status.HELD,
        amount_minor=50000,
        currency="CNY",
    )
    AuditLog.objects.create(event=world.event, entry=world.entry, action="place_taken")
    world.extra["payment"] = payment
    return world


@pytest.fixture
def admin_client(make_user: Callable[..., Any]) -> Client:
    client = Client()
    client.force_login(make_user("site.admin@example.test", is_staff=True, is_superuser=True))
    return client


def test_the_audit_log_shows_the_chinese_sentence_not_the_code(
    world: World, admin_client: Client
) -> None:
    page = admin_client.get(reverse("admin:events_auditlog_changelist"), **ZH).content.decode()
    assert "报名并获得名额" in page
    assert ">place_taken<" not in page


@pytest.mark.parametrize(
    ("model", "amount"),
    [
        ("payment", "800.00 CNY"),
        ("payment", "123.45 CNY"),
        ("refund", "123.45 CNY"),
        ("deposit", "500.00 CNY"),
    ],
)
def test_amounts_read_as_money(world: World, admin_client: Client, model: str, amount: str) -> None:
    page = admin_client.get(reverse(f"admin:events_{model}_changelist"), **ZH).content.decode()
    assert amount in page
    assert "最小货币单位" not in page


def test_the_organizers_entry_page_shows_payments_and_refunds_as_money(
    world: World, make_user: Callable[..., Any]
) -> None:
    client = Client()
    client.force_login(world.owner)
    url = reverse(
        "events:manage-entry", args=[world.organization.slug, world.event.slug, world.entry.pk]
    )
    page = client.get(url, **ZH).content.decode()
    assert "800.00 CNY" in page
    assert "123.45 CNY" in page
    assert "最小货币单位" not in page
