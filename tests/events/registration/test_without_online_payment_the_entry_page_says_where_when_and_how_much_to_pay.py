"""Without Stripe keys an entry is confirmed and paid at the track: its page says where, when
and how much, and shows no receipt until staff have marked it paid."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation

from events.services.registration import mark_paid_at_track

pytestmark = pytest.mark.django_db


def test_the_entry_page_gives_the_pay_at_the_track_instructions_and_no_receipt_yet(
    client: Any, event: Any, driver: Any, staff_member: Any, register: Any
) -> None:
    event.address = "2000 Yining Road"
    event.save()
    first = event.sessions.get()
    assert first.starts_at > event.starts_at
    entry = register(driver, event.entry_classes.get())
    client.force_login(driver)

    page = client.get(entry.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Pay at the track" in page
    assert "you pay 800.00 CNY at the track" in page
    assert "At the sign-on desk, Shanghai International Circuit, 2000 Yining Road" in page
    with translation.override("en"):
        when = date_filter(timezone.localtime(first.starts_at, event.zone), "DATETIME_FORMAT")
    assert f"When you sign on, before {when}" in page
    assert event.organization.contact_email in page
    assert "Receipt" not in page

    mark_paid_at_track(entry_id=entry.pk, actor=staff_member)
    paid = client.get(entry.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Receipt" in paid and entry.receipt_number in paid
    assert "Pay at the track" not in paid


def test_the_instructions_are_in_chinese_for_a_chinese_reader(
    client: Any, event: Any, driver: Any, register: Any
) -> None:
    entry = register(driver, event.entry_classes.get())
    client.force_login(driver)

    page = client.get(entry.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "现场缴费" in page
    assert "请在赛场现场缴纳 800.00 CNY" in page
    assert "收据" not in page
