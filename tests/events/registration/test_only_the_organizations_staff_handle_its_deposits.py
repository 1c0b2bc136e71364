"""Deposits are taken and settled by any staff member of the event's organization (whoever runs
check-in and inspects the cars, owner or not); everyone else gets a 404 and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from events.models import Deposit

pytestmark = [pytest.mark.django_db]


@pytest.mark.parametrize("action", ["hold", "card", "capture", "release", "retry"])
def test_outsiders_and_the_driver_get_404_and_change_nothing(
    client: Any,
    outsider: Any,
    other_organization: Any,
    driver: Any,
    deposit_entry: Any,
    deposit_url: Any,
    staff_member: Any,
    action: str,
) -> None:
    from events.services.deposits import hold_deposit_at_track

    deposit = hold_deposit_at_track(entry_id=deposit_entry.pk, actor=staff_member)
    for who in (outsider, driver):
        client.force_login(who)
        response = client.post(deposit_url(deposit_entry, action), {"amount": "1", "note": "x"})
        assert response.status_code == 404
    client.logout()
    assert client.post(deposit_url(deposit_entry, action)).status_code == 302
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.HELD


def test_staff_of_another_organization_cannot_reach_an_entry_through_their_own_event(
    client: Any,
    outsider: Any,
    other_organization: Any,
    make_event: Any,
    deposit_entry: Any,
) -> None:
    theirs = make_event(organization=other_organization, slug="rival-cup")
    client.force_login(outsider)

    response = client.post(
        f"/organizer/{other_organization.slug}/events/{theirs.slug}/entries/"
        f"{deposit_entry.pk}/deposit/hold/"
    )

    assert response.status_code == 404
    assert not Deposit.objects.exists()


def test_staff_who_are_not_owners_may_keep_a_deposit(
    client: Any, staff_member: Any, deposit_entry: Any, deposit_url: Any
) -> None:
    client.force_login(staff_member)
    client.post(deposit_url(deposit_entry, "hold"))

    client.post(deposit_url(deposit_entry, "capture"), {"amount": "10", "note": "Tyre"})

    assert Deposit.objects.get().status == Deposit.Status.CAPTURED
