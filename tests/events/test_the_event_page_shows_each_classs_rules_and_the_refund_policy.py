"""Before anyone signs in, the event page says who may enter each class and what a cancellation
gets back, with the policy's dates in the reader's language."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from events.services.registration import set_refund_policy
from racing.engine.eligibility import AgeBand, ClassRules, LicenceRequirement

pytestmark = pytest.mark.django_db

ADULT_KARTING = ClassRules(licences=(LicenceRequirement("CAMF", "karting"),), age=AgeBand(18))


def day_before(event: Any, days: int, language: str) -> str:
    with translation.override(language):
        return date_format(
            event.local(event.starts_at).date() - timedelta(days=days), "DATE_FORMAT"
        )


def test_each_class_lists_its_rules_in_words(
    client: Any, event: Any, organization: Any, make_competition_class: Any, make_entry_class: Any
) -> None:
    adults = make_competition_class(organization, "Adult karting", rules=ADULT_KARTING.to_dict())
    make_entry_class(event, name="Adult rental", competition_class=adults)

    page = client.get(f"/events/{event.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Who may enter" in page
    assert "Licence: CAMF Karting, any grade" in page
    assert "Aged at least 18 on the event date" in page
    # The class without a competition class has no rules, and says so.
    assert "No eligibility rules: open to every driver." in page


def test_the_default_refund_policy_is_shown_with_its_dates(client: Any, event: Any) -> None:
    page = client.get(f"/events/{event.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Cancellation and refunds" in page
    assert (
        f"Cancel by {day_before(event, 14, 'en')} (14 days before the event): full refund." in page
    )
    assert (
        f"Cancel by {day_before(event, 3, 'en')} (3 days before the event): 50% refunded." in page
    )
    assert "Cancel later: no refund." in page


def test_the_organizers_policy_is_shown_in_chinese(client: Any, event: Any) -> None:
    set_refund_policy(
        event=event, full_refund_days=30, partial_refund_days=7, partial_refund_percent=25
    )

    page = client.get(f"/events/{event.slug}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "取消与退款" in page
    assert f"{day_before(event, 30, 'zh-hans')}（赛事前 30 天）前取消：全额退款。" in page
    assert f"{day_before(event, 7, 'zh-hans')}（赛事前 7 天）前取消：退还 25%。" in page


def test_a_tier_whose_last_day_has_passed_is_left_out(client: Any, make_event: Any) -> None:
    soon = make_event(starts_at=timezone.now() + timedelta(days=10), slug="soon-cup")
    make_entry_class_for(soon)

    page = client.get(f"/events/{soon.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "full refund" not in page
    assert f"Cancel by {day_before(soon, 3, 'en')} (3 days before the event): 50% refunded." in page

    tomorrow = make_event(starts_at=timezone.now() + timedelta(days=1), slug="tomorrow-cup")
    make_entry_class_for(tomorrow)
    page = client.get(f"/events/{tomorrow.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "refunded." not in page and "Cancelling now gives no refund." in page


def make_entry_class_for(event: Any) -> None:
    from events.models import EntryClass

    EntryClass.objects.create(event=event, name="Open", capacity=10, fee=Decimal("100.00"))
