from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from racing.engine.eligibility import AgeBand, LicenceRequirement
from racing.models import CompetitionClass, LicenceGrade, LicenceIssuer, Organization
from tests.racing.factories import make_class

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def class_data(**overrides: Any) -> dict[str, Any]:
    camf = LicenceIssuer.objects.get(code="CAMF")
    karting_grade = LicenceGrade.objects.get(issuer=camf, code="C")
    data = {
        "name": "Junior Rotax",
        "slug": "",
        "tier": "karting",
        "discipline": "karting",
        "description": "",
        "licences-TOTAL_FORMS": "2",
        "licences-INITIAL_FORMS": "0",
        "licences-MIN_NUM_FORMS": "0",
        "licences-MAX_NUM_FORMS": "12",
        "licences-0-issuer": "CAMF",
        "licences-0-discipline": "karting",
        "licences-0-min_grade": str(karting_grade.pk),
        "licences-1-issuer": "",
        "licences-1-discipline": "",
        "licences-1-min_grade": "",
        "rules-temporary_licence_allowed": "on",
        "rules-min_age": "12",
        "rules-max_age": "14",
        "rules-age_by_calendar_year": "on",
        "rules-min_driver_weight_kg": "40",
        "rules-homologation_required": "on",
    }
    data.update(overrides)
    return data


def test_staff_create_a_class_with_rules(
    client: Client, staff_member: Any, organization: Organization
) -> None:
    client.force_login(staff_member)
    response = client.post(reverse("racing:class-create", args=[organization.slug]), class_data())
    assert response.status_code == 302
    created = CompetitionClass.objects.get()
    assert created.slug == "junior-rotax"
    rules = created.eligibility_rules
    assert rules.licences == (LicenceRequirement("CAMF", "karting", "C"),)
    assert rules.age == AgeBand(12, 14, by_calendar_year=True)
    assert rules.min_driver_weight_kg == Decimal(40)
    assert rules.homologation_required and rules.temporary_licence_allowed
    assert response["Location"] == created.get_absolute_url()


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        ("national", r'<option value="CAMF" selected>'),
        ("local_heritage", r'name="rules-classic_certificate_required"[^>]* checked'),
        ("karting_youth", r'name="rules-age_by_calendar_year"[^>]* checked'),
        ("nev", r'value="bev"[^>]* checked'),
    ],
)
def test_each_tier_preset_fills_the_new_class_form(
    client: Client, organizer: Any, organization: Organization, tier: str, expected: str
) -> None:
    client.force_login(organizer)
    url = reverse("racing:class-create", args=[organization.slug]) + f"?preset={tier}"
    page = client.get(url).content.decode()
    assert re.search(expected, page)


def test_a_preset_saved_unchanged_gives_the_preset_rules(
    client: Client, organizer: Any, organization: Organization
) -> None:
    from racing.engine.presets import PRESETS

    client.force_login(organizer)
    url = reverse("racing:class-create", args=[organization.slug]) + "?tier=nev"
    form = client.get(url).context
    data = {"name": "EV Gymkhana", "tier": "nev", "discipline": "autocross", "description": ""}
    for bound in (form["rules_form"], form["licence_formset"].management_form):
        for field in bound:
            value = field.value()
            if isinstance(value, list):
                data[field.html_name] = value
            elif value is not None and value is not False and value != "":
                data[field.html_name] = "on" if value is True else str(value)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["rules_form"].errors
    assert CompetitionClass.objects.get().eligibility_rules == PRESETS["nev"].rules


def test_a_minimum_age_above_the_maximum_is_refused_in_both_languages(
    client: Client, organizer: Any, organization: Organization
) -> None:
    client.force_login(organizer)
    url = reverse("racing:class-create", args=[organization.slug])
    bad = class_data(**{"rules-min_age": "15", "rules-max_age": "12"})
    response = client.post(url, bad, **EN)
    assert response.status_code == 400
    assert "The minimum age is above the maximum age." in response.content.decode()
    assert "最低年龄高于最高年龄。" in client.post(url, bad).content.decode()
    assert not CompetitionClass.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"rules-max_power_kw": "-10"},
        {"rules-min_driver_weight_kg": "heavy"},
        {"rules-vehicle_year_min": "2000", "rules-vehicle_year_max": "1990"},
        {"rules-battery_kwh_min": "90", "rules-battery_kwh_max": "60"},
        {"rules-powertrains": ["steam"]},
        {"licences-0-issuer": "NOPE"},
        {"licences-0-discipline": "sailing"},
        {"licences-1-issuer": "CAMF", "licences-1-discipline": "karting"},
        {"licences-0-min_grade": "999999"},
        {"tier": "galactic"},
        {"name": ""},
    ],
)
def test_bad_class_input_is_refused_without_saving(
    client: Client, organizer: Any, organization: Organization, overrides: dict[str, Any]
) -> None:
    client.force_login(organizer)
    url = reverse("racing:class-create", args=[organization.slug])
    response = client.post(url, class_data(**overrides), **EN)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not CompetitionClass.objects.exists()


def test_a_minimum_grade_of_another_issuer_is_refused(
    client: Client, organizer: Any, organization: Organization
) -> None:
    client.force_login(organizer)
    fia_d = LicenceGrade.objects.get(issuer__code="FIA", code="D")
    response = client.post(
        reverse("racing:class-create", args=[organization.slug]),
        class_data(**{"licences-0-min_grade": str(fia_d.pk)}),
        **EN,
    )
    assert response.status_code == 400
    assert "This grade belongs to another issuer." in response.content.decode()


def test_a_navigator_licence_needs_an_accepted_licence(
    client: Client, organizer: Any, organization: Organization
) -> None:
    client.force_login(organizer)
    response = client.post(
        reverse("racing:class-create", args=[organization.slug]),
        class_data(
            **{
                "licences-0-issuer": "",
                "licences-0-discipline": "",
                "licences-0-min_grade": "",
                "rules-navigator_needs_licence": "on",
            }
        ),
        **EN,
    )
    assert response.status_code == 400
    assert "List at least one accepted licence first." in response.content.decode()


def test_two_classes_of_one_organization_cannot_share_a_name(
    client: Client, organizer: Any, organization: Organization
) -> None:
    make_class(organization, "Junior Rotax")
    client.force_login(organizer)
    response = client.post(
        reverse("racing:class-create", args=[organization.slug]), class_data(), **EN
    )
    assert response.status_code == 400
    assert "already has a class with this name" in response.content.decode()


def test_a_chinese_class_name_gets_a_usable_address(
    client: Client, organizer: Any, organization: Organization
) -> None:
    client.force_login(organizer)
    client.post(
        reverse("racing:class-create", args=[organization.slug]), class_data(name="青少年组")
    )
    client.post(reverse("racing:class-create", args=[organization.slug]), class_data(name="公开组"))
    assert sorted(CompetitionClass.objects.values_list("slug", flat=True)) == ["class", "class-2"]


def test_the_class_page_states_the_rules_in_both_languages(
    client: Client, organizer: Any, organization: Organization
) -> None:
    client.force_login(organizer)
    client.post(reverse("racing:class-create", args=[organization.slug]), class_data())
    url = CompetitionClass.objects.get().get_absolute_url()
    page = client.get(url, **EN).content.decode()
    assert "Licence: CAMF Karting, grade C or higher" in page
    assert "Turning 12 to 14 during the event&#x27;s year" in page
    assert "Driver weight at least 40 kg" in page
    assert "执照：CAMF 卡丁车" in client.get(url).content.decode()


def test_an_organizer_edits_a_class_and_its_rules(
    client: Client, organizer: Any, organization: Organization
) -> None:
    existing = make_class(
        organization,
        "Junior Rotax",
        slug="junior",
        tier="karting",
        discipline="karting",
        rules={"min_driver_weight_kg": "40"},
    )
    client.force_login(organizer)
    url = reverse("racing:class-edit", args=[organization.slug, existing.slug])
    assert 'value="40' in client.get(url).content.decode()
    response = client.post(url, class_data(slug="junior", **{"rules-min_driver_weight_kg": "45"}))
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.eligibility_rules.min_driver_weight_kg == Decimal(45)


def test_archived_classes_leave_the_list_until_asked_for(
    client: Client, organizer: Any, organization: Organization
) -> None:
    old = make_class(organization, "Old Class", slug="old")
    client.force_login(organizer)
    client.post(reverse("racing:class-archive", args=[organization.slug, "old"]))
    old.refresh_from_db()
    assert old.is_archived
    url = reverse("racing:class-list", args=[organization.slug])
    assert "Old Class" not in client.get(url).content.decode()
    assert "Old Class" in client.get(url + "?archived=1").content.decode()


def test_another_organizations_classes_are_not_found(
    client: Client, outsider: Any, organization: Organization, other_organization: Organization
) -> None:
    make_class(organization, "Touring", slug="touring")
    client.force_login(outsider)
    assert client.get(reverse("racing:class-list", args=[organization.slug])).status_code == 404
    detail = reverse("racing:class-detail", args=[organization.slug, "touring"])
    assert client.get(detail).status_code == 404
    create = reverse("racing:class-create", args=[organization.slug])
    assert client.post(create, class_data()).status_code == 404
    # Nor through their own organization's address.
    theirs = reverse("racing:class-detail", args=[other_organization.slug, "touring"])
    assert client.get(theirs).status_code == 404


def test_unknown_slugs_are_not_found(
    client: Client, organizer: Any, organization: Organization
) -> None:
    client.force_login(organizer)
    assert client.get(reverse("racing:class-list", args=["nowhere"])).status_code == 404
    missing = reverse("racing:class-detail", args=[organization.slug, "nothing"])
    assert client.get(missing).status_code == 404


def test_the_organization_page_links_to_its_classes(
    client: Client, organizer: Any, organization: Organization
) -> None:
    client.force_login(organizer)
    page = client.get(organization.get_absolute_url()).content.decode()
    assert reverse("racing:class-list", args=[organization.slug]) in page
