from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from racing import hooks
from racing.models import Organization
from racing.queries.privacy import can_view_private_data
from tests.racing.factories import make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries() -> Iterator[dict[int, set[int]]]:
    """Stands in for `events`: profile id -> organization ids the driver has entered."""
    entered: dict[int, set[int]] = {}

    def provider(profile: Any) -> set[int]:
        return entered.get(profile.pk, set())

    hooks.entered_organizations.append(provider)
    yield entered
    hooks.entered_organizations.remove(provider)


def test_the_driver_sees_their_own_private_data(driver: Any) -> None:
    assert can_view_private_data(driver, make_profile(driver))


def test_an_anonymous_visitor_never_does(driver: Any) -> None:
    assert not can_view_private_data(AnonymousUser(), make_profile(driver))


def test_staff_of_an_organization_the_driver_entered_do(
    driver: Any, staff_member: Any, organization: Organization, entries: dict[int, set[int]]
) -> None:
    profile = make_profile(driver)
    entries[profile.pk] = {organization.pk}
    assert can_view_private_data(staff_member, profile)


def test_staff_of_an_organization_the_driver_never_entered_do_not(
    driver: Any,
    outsider: Any,
    organization: Organization,
    other_organization: Organization,
    entries: dict[int, set[int]],
) -> None:
    profile = make_profile(driver)
    entries[profile.pk] = {organization.pk}
    assert not can_view_private_data(outsider, profile)


def test_staff_see_nothing_before_the_driver_enters(
    driver: Any, staff_member: Any, organization: Organization, entries: dict[int, set[int]]
) -> None:
    assert not can_view_private_data(staff_member, make_profile(driver))


def test_the_caller_may_pass_the_entered_organizations_itself(
    driver: Any, staff_member: Any, organization: Organization
) -> None:
    profile = make_profile(driver)
    assert can_view_private_data(staff_member, profile, [organization.pk])
    assert not can_view_private_data(staff_member, profile, [])
