from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from racing import hooks
from racing.models import Organization
from tests.racing.factories import make_licence, make_profile

pytestmark = pytest.mark.django_db
PRIVATE = ("11010519491231002X", "Penicillin allergy", "李华")


@pytest.fixture
def entered() -> Iterator[set[tuple[int, int]]]:
    """Stands in for `events`: (profile id, organization id) pairs of active entries, which give
    every staff member masked access and no reveal (tests/privacy covers the real rule)."""
    pairs: set[tuple[int, int]] = set()

    def provider(profile: Any) -> list[int]:
        return [org for prof, org in pairs if prof == profile.pk]

    def access(viewer: Any, profile: Any, organization_id: int) -> tuple[bool, frozenset[str]]:
        return (profile.pk, organization_id) in pairs, frozenset()

    hooks.entered_organizations.append(provider)
    hooks.private_data_access.append(access)
    yield pairs
    hooks.entered_organizations.remove(provider)
    hooks.private_data_access.remove(access)


@pytest.fixture
def profile(driver: Any) -> Any:
    profile = make_profile(driver)
    profile.emergency_contacts.create(name="李华", relationship="配偶", phone="139")
    return profile


def page_url(organization: Organization, profile: Any) -> str:
    return reverse("racing:organizer-driver", args=[organization.slug, profile.pk])


def test_staff_see_private_data_of_a_driver_who_entered_their_event_masked(
    client: Client, staff_member: Any, organization: Organization, profile: Any, entered: Any
) -> None:
    entered.add((profile.pk, organization.pk))
    client.force_login(staff_member)
    page = client.get(page_url(organization, profile)).content.decode()
    assert "1101**********002X" in page
    for secret in PRIVATE:
        assert secret not in page


def test_staff_cannot_open_a_driver_who_never_entered(
    client: Client, staff_member: Any, organization: Organization, profile: Any, entered: Any
) -> None:
    client.force_login(staff_member)
    response = client.get(page_url(organization, profile))
    assert response.status_code == 404
    for secret in PRIVATE:
        assert secret not in response.content.decode()


def test_a_rival_organization_cannot_see_a_driver_who_entered_elsewhere(
    client: Client,
    outsider: Any,
    organization: Organization,
    other_organization: Organization,
    profile: Any,
    entered: Any,
) -> None:
    entered.add((profile.pk, organization.pk))
    client.force_login(outsider)
    assert client.get(page_url(organization, profile)).status_code == 404
    assert client.get(page_url(other_organization, profile)).status_code == 404


def test_staff_verify_a_licence_of_an_entered_driver(
    client: Client, staff_member: Any, organization: Organization, profile: Any, entered: Any
) -> None:
    entered.add((profile.pk, organization.pk))
    licence = make_licence(profile)
    client.force_login(staff_member)
    url = reverse("racing:licence-verify", args=[organization.slug, profile.pk, licence.pk])
    assert client.post(url).status_code == 302
    licence.refresh_from_db()
    assert licence.verified_by == staff_member and licence.verified_at is not None


def test_staff_cannot_verify_a_licence_of_a_driver_who_never_entered(
    client: Client, staff_member: Any, organization: Organization, profile: Any, entered: Any
) -> None:
    licence = make_licence(profile)
    client.force_login(staff_member)
    url = reverse("racing:licence-verify", args=[organization.slug, profile.pk, licence.pk])
    assert client.post(url).status_code == 404
    licence.refresh_from_db()
    assert licence.verified_at is None


def test_private_data_is_absent_from_public_pages(client: Client, profile: Any) -> None:
    for url in ("/", reverse("events:home")):
        page = client.get(url).content.decode()
        for secret in PRIVATE:
            assert secret not in page


def test_staff_open_the_licence_document_of_an_entered_driver_only(
    client: Client,
    staff_member: Any,
    outsider: Any,
    organization: Organization,
    other_organization: Organization,
    profile: Any,
    entered: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    from django.core.files.base import ContentFile

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    licence = make_licence(profile)
    licence.document.save("scan.pdf", ContentFile(b"%PDF scan"))
    url = reverse(
        "racing:organizer-licence-document", args=[organization.slug, profile.pk, licence.pk]
    )
    client.force_login(staff_member)
    assert client.get(url).status_code == 404
    entered.add((profile.pk, organization.pk))
    # Staff without a duty that reveals (here: any, as the stand-in grants none) get no scan.
    assert client.get(url).status_code == 403
    # The driver's own address is for the driver alone, even for staff who may see the scan.
    assert client.get(reverse("racing:licence-document", args=[licence.pk])).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
