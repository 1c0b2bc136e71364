from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from racing.models import DriverProfile
from tests.racing.factories import make_profile

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def profile_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name_zh": "张敏",
        "name_latin": "ZHANG Min",
        "date_of_birth": "1995-03-14",
        "nationality": "中国",
        "id_type": "resident_id",
        "id_number": "11010519491231002x",
        "phone": "+86 138 0000 0000",
        "weight_kg": "68.5",
        "road_licence_since": "2015-07-01",
        "blood_type": "O",
        "medical_notes": "",
        "sensitive_consent": "on",
        "contacts-TOTAL_FORMS": "2",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "1",
        "contacts-MAX_NUM_FORMS": "5",
        "contacts-0-name": "李华",
        "contacts-0-relationship": "配偶",
        "contacts-0-phone": "+86 139 0000 0000",
    }
    data.update(overrides)
    return data


def test_a_driver_without_profile_is_asked_to_create_one(client: Client, driver: Any) -> None:
    client.force_login(driver)
    for name in ("racing:profile", "racing:licence-list", "racing:vehicle-create"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert reverse("racing:profile-edit") in response.content.decode()
        assert "您还没有车手资料" in response.content.decode()
    page = client.get(reverse("racing:profile-edit")).content.decode()
    assert "创建车手资料" in page


def test_a_visitor_must_log_in(client: Client) -> None:
    response = client.get(reverse("racing:profile-edit"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_driver_builds_a_complete_profile_in_chinese(client: Client, driver: Any) -> None:
    client.force_login(driver)
    response = client.post(reverse("racing:profile-edit"), profile_data())
    assert response.status_code == 302
    profile = DriverProfile.objects.get(user=driver)
    assert profile.id_number == "11010519491231002X"
    assert [c.name for c in profile.emergency_contacts.all()] == ["李华"]
    page = client.get(reverse("racing:profile")).content.decode()
    assert "张敏 ZHANG Min" in page
    assert "11010519491231002X" in page
    assert "紧急联系人" in page


def test_a_driver_builds_a_complete_profile_in_english(client: Client, driver: Any) -> None:
    client.force_login(driver)
    response = client.post(reverse("racing:profile-edit"), profile_data(), **EN)
    assert response.status_code == 302
    page = client.get(reverse("racing:profile"), **EN).content.decode()
    assert "Emergency contacts" in page
    assert "Private details" in page


def test_editing_replaces_the_emergency_contacts(client: Client, driver: Any) -> None:
    client.force_login(driver)
    client.post(reverse("racing:profile-edit"), profile_data())
    client.post(
        reverse("racing:profile-edit"),
        profile_data(
            **{
                "contacts-0-name": "王芳",
                "contacts-1-name": "赵强",
                "contacts-1-relationship": "朋友",
                "contacts-1-phone": "123",
            }
        ),
    )
    profile = DriverProfile.objects.get(user=driver)
    assert [c.name for c in profile.emergency_contacts.all()] == ["王芳", "赵强"]


@time_machine.travel(date(2026, 6, 1), tick=False)
def test_a_future_birth_date_is_refused_in_both_languages(client: Client, driver: Any) -> None:
    client.force_login(driver)
    tomorrow = (date(2026, 6, 1) + timedelta(days=1)).isoformat()
    response = client.post(reverse("racing:profile-edit"), profile_data(date_of_birth=tomorrow))
    assert response.status_code == 400
    assert "该日期在未来。" in response.content.decode()
    response = client.post(
        reverse("racing:profile-edit"), profile_data(date_of_birth=tomorrow), **EN
    )
    assert "This date is in the future." in response.content.decode()
    assert not DriverProfile.objects.exists()


def test_a_wrong_resident_id_checksum_is_refused(client: Client, driver: Any) -> None:
    client.force_login(driver)
    response = client.post(
        reverse("racing:profile-edit"), profile_data(id_number="110105194912310021"), **EN
    )
    assert response.status_code == 400
    assert "not a valid 18-character resident identity number" in response.content.decode()


def test_a_passport_number_is_not_checked_as_a_resident_id(client: Client, driver: Any) -> None:
    client.force_login(driver)
    response = client.post(
        reverse("racing:profile-edit"), profile_data(id_type="passport", id_number="E12345678")
    )
    assert response.status_code == 302


@time_machine.travel(date(2026, 6, 1), tick=False)
def test_a_minor_needs_a_guardian_who_consents(client: Client, driver: Any) -> None:
    client.force_login(driver)
    minor = profile_data(date_of_birth="2012-05-01", road_licence_since="")
    response = client.post(reverse("racing:profile-edit"), minor, **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Required for drivers under 18." in page
    assert "A guardian must consent for a driver under 18." in page
    response = client.post(
        reverse("racing:profile-edit"),
        {
            **minor,
            "guardian_name": "张伟",
            "guardian_relationship": "父亲",
            "guardian_phone": "+86 137 0000 0000",
            "guardian_consent": "on",
        },
    )
    assert response.status_code == 302
    profile = DriverProfile.objects.get(user=driver)
    assert profile.guardian_consent_at is not None


def test_at_least_one_emergency_contact_is_required(client: Client, driver: Any) -> None:
    client.force_login(driver)
    data = profile_data(
        **{"contacts-0-name": "", "contacts-0-relationship": "", "contacts-0-phone": ""}
    )
    response = client.post(reverse("racing:profile-edit"), data, **EN)
    assert response.status_code == 400
    assert not DriverProfile.objects.exists()


def test_a_road_licence_before_birth_is_refused(client: Client, driver: Any) -> None:
    client.force_login(driver)
    response = client.post(
        reverse("racing:profile-edit"), profile_data(road_licence_since="1990-01-01"), **EN
    )
    assert response.status_code == 400
    assert "cannot predate your date of birth" in response.content.decode()


def test_a_weight_out_of_range_is_refused(client: Client, driver: Any) -> None:
    client.force_login(driver)
    response = client.post(reverse("racing:profile-edit"), profile_data(weight_kg="-3"))
    assert response.status_code == 400
    assert not DriverProfile.objects.exists()


def test_the_menu_links_to_profile_licences_and_garage(client: Client, driver: Any) -> None:
    make_profile(driver)
    client.force_login(driver)
    page = client.get(reverse("racing:profile"), **EN).content.decode()
    for name in (
        "racing:profile",
        "racing:licence-list",
        "racing:vehicle-list",
        "racing:my-privacy",
    ):
        assert f'href="{reverse(name)}"' in page
    assert "My profile" in page
