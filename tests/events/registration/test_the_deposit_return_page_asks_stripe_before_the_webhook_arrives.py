"""The driver comes back from authorising the deposit before Stripe's webhook: the return page
asks Stripe (session, then its PaymentIntent) and marks the deposit held, checking amount and
currency. Whichever of the page and the webhook comes first marks it held, once."""

from __future__ import annotations

from typing import Any

import pytest

from events.models import AuditLog, Deposit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def link(deposit_entry: Any, staff_member: Any, fake_stripe: Any) -> Deposit:
    from events.services.deposits import request_card_deposit

    return request_card_deposit(entry_id=deposit_entry.pk, actor=staff_member)


def come_back(client: Any, deposit: Deposit, session_id: str | None = None) -> str:
    response = client.get(
        f"/entries/{deposit.entry_id}/deposit-authorised/",
        {"session_id": session_id or deposit.stripe_session_id},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    return response.content.decode()


def test_stripe_is_sent_back_to_the_return_page(link: Deposit, fake_stripe: Any) -> None:
    [create] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert create.params["success_url"].endswith(
        f"/entries/{link.entry_id}/deposit-authorised/?session_id={{CHECKOUT_SESSION_ID}}"
    )


def test_the_return_page_marks_it_held_and_the_late_webhook_changes_nothing(
    client: Any, driver: Any, link: Deposit, fake_stripe: Any, post_webhook: Any
) -> None:
    authorised = fake_stripe.authorise(link.stripe_session_id)
    client.force_login(driver)

    page = come_back(client, link)

    assert "Your damage deposit is authorised on your card." in page
    assert 'data-deposit="held"' in page
    link.refresh_from_db()
    assert link.status == Deposit.Status.HELD
    assert link.stripe_payment_intent_id == authorised["data"]["object"]["id"]
    assert post_webhook(authorised).status_code == 200
    come_back(client, link)
    assert AuditLog.objects.filter(entry=link.entry, action="deposit_authorised").count() == 1
    assert fake_stripe.calls("POST", "/v1/payment_intents/") == []


def test_after_the_webhook_the_page_does_not_ask_stripe(
    client: Any, driver: Any, link: Deposit, fake_stripe: Any, post_webhook: Any
) -> None:
    post_webhook(fake_stripe.authorise(link.stripe_session_id))
    client.force_login(driver)
    asked = len(fake_stripe.calls("GET", "/v1/"))

    come_back(client, link)

    assert len(fake_stripe.calls("GET", "/v1/")) == asked
    assert AuditLog.objects.filter(entry=link.entry, action="deposit_authorised").count() == 1


def test_a_session_not_yet_authorised_leaves_it_requested(
    client: Any, driver: Any, link: Deposit
) -> None:
    client.force_login(driver)

    page = come_back(client, link)

    assert "Your authorisation is being processed" in page
    link.refresh_from_db()
    assert link.status == Deposit.Status.REQUESTED


def test_a_wrong_amount_is_not_held_and_is_cancelled(
    client: Any,
    driver: Any,
    link: Deposit,
    fake_stripe: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    authorised = fake_stripe.authorise(link.stripe_session_id)
    intent = fake_stripe.payment_intents[authorised["data"]["object"]["id"]]
    intent["amount_capturable"] = 100
    client.force_login(driver)

    with django_capture_on_commit_callbacks(execute=True):
        come_back(client, link)

    link.refresh_from_db()
    assert link.status == Deposit.Status.REQUESTED
    assert AuditLog.objects.filter(
        entry=link.entry, action="deposit_authorisation_refused"
    ).exists()
    assert intent["status"] == "canceled"


def test_another_entrys_session_or_a_stranger_changes_nothing(
    client: Any, driver: Any, outsider: Any, link: Deposit, fake_stripe: Any
) -> None:
    fake_stripe.authorise(link.stripe_session_id)
    client.force_login(driver)

    page = come_back(client, link, session_id="cs_test_not_ours")

    assert "This deposit does not belong to this entry." in page
    client.force_login(outsider)
    response = client.get(
        f"/entries/{link.entry_id}/deposit-authorised/", {"session_id": link.stripe_session_id}
    )
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.status == Deposit.Status.REQUESTED
