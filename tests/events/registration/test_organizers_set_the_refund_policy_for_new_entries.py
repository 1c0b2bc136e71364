from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from events.models import RefundPolicy
from events.services.registration import cancel_entry

pytestmark = [pytest.mark.django_db]


def policy_url(event: Any) -> str:
    return f"/organizer/{event.organization.slug}/events/{event.slug}/entries/refund-policy/"


def test_a_new_policy_applies_to_new_entries_only(
    client: Any,
    event: Any,
    staff_member: Any,
    drivers: Any,
    paid_entry: Any,
    fake_stripe: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    early, late = drivers(2)
    before, _ = paid_entry(early)
    client.force_login(staff_member)

    client.post(
        policy_url(event),
        {"full_refund_days": 30, "partial_refund_days": 7, "partial_refund_percent": 25},
    )
    after, paid_after = paid_entry(late)

    assert before.refund_policy == [
        {"days_before": 14, "percent": 100},
        {"days_before": 3, "percent": 50},
    ]
    assert after.refund_policy == [
        {"days_before": 30, "percent": 100},
        {"days_before": 7, "percent": 25},
    ]
    with (
        time_machine.travel(event.starts_at - timedelta(days=10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        cancel_entry(entry_id=after.pk, actor=late)
    assert fake_stripe.refunded_total(paid_after.stripe_payment_intent_id) == 20000


def test_a_partial_period_longer_than_the_full_one_is_refused(
    client: Any, event: Any, staff_member: Any
) -> None:
    client.force_login(staff_member)

    response = client.post(
        policy_url(event),
        {"full_refund_days": 3, "partial_refund_days": 7, "partial_refund_percent": 50},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    assert "The partial refund must end on or after the full refund ends." in (
        response.content.decode()
    )
    assert not RefundPolicy.objects.exists()


def test_outsiders_cannot_change_the_policy(
    client: Any, event: Any, outsider: Any, other_organization: Any
) -> None:
    client.force_login(outsider)

    response = client.post(
        policy_url(event),
        {"full_refund_days": 0, "partial_refund_days": 0, "partial_refund_percent": 0},
    )

    assert response.status_code == 404
    assert not RefundPolicy.objects.exists()
