from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from racing.demo.registry import DRIVER_EMAIL
from racing.models import CompetitionClass, DriverProfile, Organization, Tier
from racing.services.eligibility import check_driver_for_class

pytestmark = pytest.mark.django_db


def test_the_demo_driver_has_a_profile_a_camf_licence_and_a_car() -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    profile = DriverProfile.objects.get(user__email=DRIVER_EMAIL)
    assert profile.emergency_contacts.count() == 1
    competition = profile.licences.filter(kind="competition", issued_on_the_spot=False)
    assert [(lic.issuer.code, lic.grade.code) for lic in competition] == [("CAMF", "B")]
    assert profile.vehicles.count() == 1


def test_every_demo_organization_has_a_class_in_every_tier() -> None:
    call_command("seed_demo", stdout=StringIO())
    for organization in Organization.objects.all():
        tiers = set(organization.competition_classes.values_list("tier", flat=True))
        assert tiers == set(Tier.values), organization.slug


def test_the_demo_driver_may_enter_the_demo_national_class_today() -> None:
    call_command("seed_demo", stdout=StringIO())
    profile = DriverProfile.objects.get(user__email=DRIVER_EMAIL)
    national = CompetitionClass.objects.get(slug="national-touring")
    assert (
        check_driver_for_class(
            competition_class=national,
            profile=profile,
            vehicle=profile.vehicles.get(),
            event_date=timezone.localdate(),
        )
        == []
    )
