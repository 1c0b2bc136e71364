"""A licence scan is taken for what its bytes are, not for its name: an SVG or HTML page named
``.png`` or ``.pdf`` would run in the browser of whoever opens it. Scans are served as
downloads, typed by their verified content."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from racing.models import Licence
from tests.racing.factories import make_licence, make_profile
from tests.racing.test_licence_pages import licence_data

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"/>'
HTML = b"<!doctype html><script>fetch('/accounts/email/')</script>"
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 25), "white").save(out, "PNG")
    return out.getvalue()


def upload(client: Client, name: str, content: bytes, language: str = "en") -> Any:
    scan = SimpleUploadedFile(
        name, content, "image/png" if name.endswith("png") else "application/pdf"
    )
    return client.post(
        reverse("racing:licence-create"),
        {**licence_data(), "document": scan},
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("licence.png", SVG),
        ("licence.pdf", HTML),
        ("licence.png", HTML),
        ("licence.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"),
        ("licence.png", png()[:60]),  # starts like a PNG, does not decode
    ],
    ids=["svg-named-png", "html-named-pdf", "html-named-png", "jpeg-header-only", "cut-png"],
)
def test_a_file_that_is_not_a_scan_is_refused_whatever_its_name(
    client: Client, driver: Any, name: str, content: bytes
) -> None:
    make_profile(driver)
    client.force_login(driver)

    response = upload(client, name, content)

    assert response.status_code == 400
    assert "This file is not a PDF, JPEG or PNG document" in response.content.decode()
    assert not Licence.objects.exists()


def test_the_refusal_is_translated(client: Client, driver: Any) -> None:
    make_profile(driver)
    client.force_login(driver)

    response = upload(client, "licence.png", SVG, language="zh-hans")

    assert "此文件不是 PDF、JPEG 或 PNG 文档" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "content_type", "filename"),
    [
        ("scan.png", png(), "image/png", "png"),
        ("扫描.pdf", PDF, "application/pdf", "pdf"),
        ("photo.jpg", png(), "image/png", "png"),  # typed by what it is, not by its name
    ],
    ids=["png", "pdf", "png-named-jpg"],
)
def test_a_real_scan_is_taken_and_served_as_a_download(
    client: Client, driver: Any, name: str, content: bytes, content_type: str, filename: str
) -> None:
    make_profile(driver)
    client.force_login(driver)

    assert upload(client, name, content).status_code == 302
    licence = Licence.objects.get()
    response = client.get(reverse("racing:licence-document", args=[licence.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == content_type
    assert (
        response["Content-Disposition"] == f'attachment; filename="licence-{licence.pk}.{filename}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_stored_before_the_check_is_downloaded_as_opaque_bytes(
    client: Client, driver: Any
) -> None:
    licence = make_licence(make_profile(driver))
    licence.document.save("old.png", ContentFile(SVG))
    client.force_login(driver)

    response = client.get(reverse("racing:licence-document", args=[licence.pk]))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
