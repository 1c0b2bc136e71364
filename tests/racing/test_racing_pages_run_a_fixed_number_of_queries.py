from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from racing.models import Organization
from tests.racing.factories import make_class, make_licence, make_profile, make_vehicle

pytestmark = pytest.mark.django_db


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_profile_page_costs_the_same_with_more_licences_and_vehicles(
    client: Client, driver: Any
) -> None:
    profile = make_profile(driver)
    make_licence(profile)
    make_vehicle(profile)
    client.force_login(driver)
    url = reverse("racing:profile")
    before = count(client, url)
    for n in range(4):
        make_licence(profile, issuer="FIA", grade="D", number=f"FIA-{n}")
        make_vehicle(profile, model=f"Model {n}")
        profile.emergency_contacts.create(name=f"C{n}", relationship="friend", phone="1")
    assert count(client, url) == before


def test_the_class_list_costs_the_same_with_more_classes(
    client: Client, organizer: Any, organization: Organization
) -> None:
    make_class(organization, "First")
    client.force_login(organizer)
    url = reverse("racing:class-list", args=[organization.slug])
    before = count(client, url)
    for n in range(5):
        make_class(organization, f"Class {n}")
    assert count(client, url) == before
