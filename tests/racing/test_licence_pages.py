from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from racing.models import Licence, LicenceGrade
from racing.services.drivers import verify_licence
from tests.racing.factories import make_licence, make_profile

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def licence_data(**overrides: Any) -> dict[str, Any]:
    camf_b = LicenceGrade.objects.get(issuer__code="CAMF", code="B")
    data = {
        "issuer": str(camf_b.issuer_id),
        "discipline": "circuit",
        "grade": str(camf_b.pk),
        "number": "CAMF-2026-0042",
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
        "medical_valid_to": "2026-12-31",
    }
    data.update(overrides)
    return data


def as_posted(licence: Licence) -> dict[str, Any]:
    """The edit form as it comes back when the driver changes nothing."""
    return licence_data(
        number=licence.number,
        valid_from=licence.valid_from.isoformat(),
        valid_to=licence.valid_to.isoformat(),
        medical_valid_to=licence.medical_valid_to.isoformat() if licence.medical_valid_to else "",
    )


def test_a_driver_adds_a_licence(client: Client, driver: Any) -> None:
    make_profile(driver)
    client.force_login(driver)
    response = client.post(reverse("racing:licence-create"), licence_data())
    assert response.status_code == 302
    licence = Licence.objects.get()
    assert (licence.issuer.code, licence.grade.code) == ("CAMF", "B")
    page = client.get(reverse("racing:licence-list")).content.decode()
    assert "CAMF-2026-0042" in page
    assert "国家B级" in page
    assert "National B" in client.get(reverse("racing:licence-list"), **EN).content.decode()


def test_the_licence_form_lists_issuers_and_grades_in_the_readers_language(
    client: Client, driver: Any
) -> None:
    make_profile(driver)
    client.force_login(driver)
    assert (
        "中国汽车摩托车运动联合会" in client.get(reverse("racing:licence-create")).content.decode()
    )
    page = client.get(reverse("racing:licence-create"), **EN).content.decode()
    assert "China Automobile and Motorcycle Sports Federation" in page


def test_validity_ending_before_it_starts_is_refused_in_both_languages(
    client: Client, driver: Any
) -> None:
    make_profile(driver)
    client.force_login(driver)
    bad = licence_data(valid_from="2026-06-01", valid_to="2026-05-31")
    response = client.post(reverse("racing:licence-create"), bad, **EN)
    assert response.status_code == 400
    assert "The end of validity must not be before its start." in response.content.decode()
    response = client.post(reverse("racing:licence-create"), bad)
    assert "有效期截止日期不能早于生效日期。" in response.content.decode()
    assert not Licence.objects.exists()


def test_an_unknown_issuer_is_refused(client: Client, driver: Any) -> None:
    make_profile(driver)
    client.force_login(driver)
    response = client.post(reverse("racing:licence-create"), licence_data(issuer="99999"), **EN)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Licence.objects.exists()


def test_a_grade_of_another_issuer_is_refused(client: Client, driver: Any) -> None:
    make_profile(driver)
    client.force_login(driver)
    fia_d = LicenceGrade.objects.get(issuer__code="FIA", code="D")
    response = client.post(
        reverse("racing:licence-create"), licence_data(grade=str(fia_d.pk)), **EN
    )
    assert response.status_code == 400
    assert "This grade belongs to another issuer." in response.content.decode()


def test_a_licence_needs_a_grade_unless_it_is_temporary(client: Client, driver: Any) -> None:
    make_profile(driver)
    client.force_login(driver)
    response = client.post(reverse("racing:licence-create"), licence_data(grade=""), **EN)
    assert response.status_code == 400
    assert "Choose the grade printed on the licence." in response.content.decode()
    response = client.post(
        reverse("racing:licence-create"), licence_data(grade="", is_temporary="on")
    )
    assert response.status_code == 302


def test_garbage_dates_are_refused_without_a_server_error(client: Client, driver: Any) -> None:
    make_profile(driver)
    client.force_login(driver)
    response = client.post(
        reverse("racing:licence-create"), licence_data(valid_from="2026-02-30"), **EN
    )
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_someone_elses_licence_is_not_found(client: Client, driver: Any, outsider: Any) -> None:
    licence = make_licence(make_profile(driver))
    make_profile(outsider, name_latin="RIVAL", id_number="E1")
    client.force_login(outsider)
    assert client.get(reverse("racing:licence-edit", args=[licence.pk])).status_code == 404
    assert client.post(reverse("racing:licence-delete", args=[licence.pk])).status_code == 404
    assert Licence.objects.filter(pk=licence.pk).exists()


def test_editing_a_verified_licence_withdraws_the_verification(
    client: Client, driver: Any, organizer: Any
) -> None:
    licence = make_licence(make_profile(driver))
    verify_licence(licence=licence, verified_by=organizer)
    client.force_login(driver)
    client.post(
        reverse("racing:licence-edit", args=[licence.pk]),
        {**as_posted(licence), "valid_to": (licence.valid_to + timedelta(days=1)).isoformat()},
    )
    licence.refresh_from_db()
    assert licence.verified_at is None and licence.verified_by is None


def test_saving_a_verified_licence_unchanged_keeps_the_verification(
    client: Client, driver: Any, organizer: Any
) -> None:
    licence = make_licence(make_profile(driver))
    verify_licence(licence=licence, verified_by=organizer)
    client.force_login(driver)
    response = client.post(reverse("racing:licence-edit", args=[licence.pk]), as_posted(licence))
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.verified_by == organizer


def test_a_driver_removes_a_licence(client: Client, driver: Any) -> None:
    licence = make_licence(make_profile(driver))
    client.force_login(driver)
    assert client.post(reverse("racing:licence-delete", args=[licence.pk])).status_code == 302
    assert not Licence.objects.exists()


def test_the_licence_document_is_stored_privately_and_served_only_to_the_driver(
    client: Client, driver: Any, outsider: Any, private_media: Path, settings: Any
) -> None:
    make_profile(driver)
    client.force_login(driver)
    scan = SimpleUploadedFile("张敏-身份证.pdf", b"%PDF-1.4 licence", "application/pdf")
    response = client.post(reverse("racing:licence-create"), {**licence_data(), "document": scan})
    assert response.status_code == 302
    licence = Licence.objects.get()
    stored = Path(licence.document.path)
    assert stored.is_relative_to(private_media)
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert "张敏" not in stored.name
    url = reverse("racing:licence-document", args=[licence.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 licence"
    assert "no-store" in response["Cache-Control"]
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_a_document_of_the_wrong_type_is_refused(client: Client, driver: Any) -> None:
    make_profile(driver)
    client.force_login(driver)
    script = SimpleUploadedFile("licence.html", b"<script>", "text/html")
    response = client.post(
        reverse("racing:licence-create"), {**licence_data(), "document": script}, **EN
    )
    assert response.status_code == 400
    assert "This file is not a PDF, JPEG or PNG document" in response.content.decode()


def test_a_licence_with_a_document_can_be_edited_and_the_document_removed(
    client: Client, driver: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_profile(driver)
    client.force_login(driver)
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 licence", "application/pdf")
    client.post(reverse("racing:licence-create"), {**licence_data(), "document": scan})
    licence = Licence.objects.get()
    url = reverse("racing:licence-edit", args=[licence.pk])
    page = client.get(url, **EN).content.decode()
    assert "A file is on record" in page
    assert licence.document.name not in page
    stored = Path(licence.document.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**licence_data(), "document-clear": "on"})
    assert response.status_code == 302
    licence.refresh_from_db()
    assert not licence.document
    assert not stored.exists()
