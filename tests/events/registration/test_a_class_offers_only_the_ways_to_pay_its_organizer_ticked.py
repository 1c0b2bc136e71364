"""An entry class may offer only some of the organization's connected ways to pay; a way that is
not connected (or not tested) is never offered, and one not offered cannot be forced by a POST."""

from __future__ import annotations

from typing import Any

import pytest

from events.models import Payment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def both_connected(event: Any, fake_wechatpay: Any, fake_alipay: Any, connect_merchant: Any) -> Any:
    connect_merchant(event.organization, fake_wechatpay, "wechatpay")
    connect_merchant(event.organization, fake_alipay, "alipay")
    return event


def test_the_entry_page_offers_each_connected_way_when_the_class_ticks_none(
    both_connected: Any, driver: Any, register: Any, client: Any
) -> None:
    entry = register(driver, both_connected.entry_classes.get())
    client.force_login(driver)

    page = client.get(f"/entries/{entry.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Pay with WeChat Pay" in page and "Pay with Alipay" in page
    assert "Stripe" not in page  # the site has no Stripe keys here


def test_a_class_that_ticks_alipay_offers_alipay_only_and_refuses_wechatpay(
    both_connected: Any,
    driver: Any,
    register: Any,
    client: Any,
    organizer: Any,
    make_competition_class: Any,
) -> None:
    entry_class = both_connected.entry_classes.get()
    entry_class.competition_class = make_competition_class(both_connected.organization)
    entry_class.save()
    client.force_login(organizer)
    url = (
        f"/organizer/{both_connected.organization.slug}/events/{both_connected.slug}/"
        f"classes/{entry_class.pk}/edit/"
    )
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["competition_class"] = entry_class.competition_class_id
    data["payment_providers"] = ["alipay"]
    data.pop("early_bird_deadline", None)
    assert client.post(url, data).status_code == 302
    entry_class.refresh_from_db()
    assert entry_class.payment_providers == ["alipay"]
    # The form needs a competition class; without one, no eligibility rule (a driver profile)
    # stands between this driver and the entry, which is not what this test is about.
    entry_class.competition_class = None
    entry_class.save()

    entry = register(driver, entry_class)
    client.force_login(driver)
    page = client.get(f"/entries/{entry.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Pay with Alipay" in page and "Pay with WeChat Pay" not in page

    client.post(f"/entries/{entry.pk}/pay/", {"provider": "wechatpay"})

    assert not Payment.objects.filter(entry=entry).exists()


def test_an_untested_account_is_not_offered_and_entries_are_paid_at_the_track(
    event: Any, driver: Any, register: Any, fake_wechatpay: Any
) -> None:
    from events.services.merchants import save_account

    save_account(
        organization=event.organization,
        provider="wechatpay",
        enabled=True,
        **fake_wechatpay.account_fields(),
    )

    entry = register(driver, event.entry_classes.get())

    assert entry.status == entry.Status.CONFIRMED
    assert entry.payments.get().method == Payment.Method.AT_TRACK
