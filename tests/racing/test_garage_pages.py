from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from racing.models import Vehicle
from tests.racing.factories import make_profile, make_vehicle

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def vehicle_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "make": "BYD",
        "model": "Seal",
        "year": "2024",
        "powertrain": "bev",
        "power_kw": "390",
        "battery_kwh": "82.5",
        "plate": "粤B·D12345",
    }
    data.update(overrides)
    return data


def test_a_driver_adds_a_vehicle_to_the_garage(client: Client, driver: Any) -> None:
    make_profile(driver)
    client.force_login(driver)
    response = client.post(reverse("racing:vehicle-create"), vehicle_data())
    assert response.status_code == 302
    page = client.get(reverse("racing:vehicle-list")).content.decode()
    assert "2024 BYD Seal" in page
    assert "纯电动（BEV）" in page
    assert (
        "Battery electric (BEV)"
        in client.get(reverse("racing:vehicle-list"), **EN).content.decode()
    )


def test_a_kart_with_homologation_numbers_is_accepted(client: Client, driver: Any) -> None:
    make_profile(driver)
    client.force_login(driver)
    kart = vehicle_data(
        make="Tony Kart",
        model="Racer 401",
        year="2023",
        powertrain="ice",
        power_kw="",
        battery_kwh="",
        plate="",
        displacement_cc="125",
        kart_chassis_homologation="CIK 01-CH-22",
        kart_engine_homologation="CIK 45-E-21",
    )
    assert client.post(reverse("racing:vehicle-create"), kart).status_code == 302
    assert Vehicle.objects.get().kart_engine_homologation == "CIK 45-E-21"


def test_negative_power_is_refused_in_both_languages(client: Client, driver: Any) -> None:
    make_profile(driver)
    client.force_login(driver)
    response = client.post(reverse("racing:vehicle-create"), vehicle_data(power_kw="-1"), **EN)
    assert response.status_code == 400
    assert "greater than or equal to 0" in response.content.decode()
    response = client.post(reverse("racing:vehicle-create"), vehicle_data(power_kw="-1"))
    assert "大于或等于0" in response.content.decode().replace(" ", "")
    assert not Vehicle.objects.exists()


def test_a_year_before_the_first_car_is_refused(client: Client, driver: Any) -> None:
    make_profile(driver)
    client.force_login(driver)
    response = client.post(reverse("racing:vehicle-create"), vehicle_data(year="1700"), **EN)
    assert response.status_code == 400
    assert "Enter a year between 1886 and next year." in response.content.decode()


def test_an_electric_car_with_an_engine_displacement_is_refused(
    client: Client, driver: Any
) -> None:
    make_profile(driver)
    client.force_login(driver)
    response = client.post(
        reverse("racing:vehicle-create"), vehicle_data(displacement_cc="1998"), **EN
    )
    assert response.status_code == 400
    assert "This powertrain has no combustion engine." in response.content.decode()


def test_a_combustion_car_with_a_traction_battery_is_refused(client: Client, driver: Any) -> None:
    make_profile(driver)
    client.force_login(driver)
    response = client.post(reverse("racing:vehicle-create"), vehicle_data(powertrain="ice"), **EN)
    assert response.status_code == 400
    assert "This powertrain has no traction battery." in response.content.decode()


def test_someone_elses_vehicle_is_not_found(client: Client, driver: Any, outsider: Any) -> None:
    car = make_vehicle(make_profile(driver))
    make_profile(outsider, name_latin="RIVAL", id_number="E1")
    client.force_login(outsider)
    assert client.get(reverse("racing:vehicle-edit", args=[car.pk])).status_code == 404
    assert client.post(reverse("racing:vehicle-delete", args=[car.pk])).status_code == 404
    assert Vehicle.objects.filter(pk=car.pk).exists()


def test_a_driver_edits_and_removes_a_vehicle(client: Client, driver: Any) -> None:
    car = make_vehicle(make_profile(driver))
    client.force_login(driver)
    response = client.post(
        reverse("racing:vehicle-edit", args=[car.pk]),
        vehicle_data(powertrain="ice", battery_kwh="", power_kw="230", displacement_cc="1996"),
    )
    assert response.status_code == 302
    car.refresh_from_db()
    assert car.power_kw == 230
    assert client.post(reverse("racing:vehicle-delete", args=[car.pk])).status_code == 302
    assert not Vehicle.objects.exists()


def test_the_garage_asks_for_a_profile_first(client: Client, driver: Any) -> None:
    client.force_login(driver)
    response = client.post(reverse("racing:vehicle-create"), vehicle_data(), **EN)
    assert response.status_code == 200
    assert "You have no driver profile yet" in response.content.decode()
    assert not Vehicle.objects.exists()
