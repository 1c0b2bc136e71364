"""An organizer uploads a poster; it shows on the event page, survives later edits, and a
file that is not an image is refused."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.events.test_organizer_publishes_an_event import EVENT_FORM

pytestmark = pytest.mark.django_db


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("poster.png", buffer.getvalue(), content_type="image/png")


def form_for(event) -> dict[str, str]:
    return {
        **EVENT_FORM,
        "title": event.title,
        "starts_at": event.local(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": event.local(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "registration_opens_at": "",
        "registration_closes_at": "",
    }


def test_a_poster_is_shown_and_kept_across_edits(client, organizer, event, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(organizer)
    url = reverse(
        "events:event-edit", kwargs={"org_slug": event.organization.slug, "slug": event.slug}
    )
    assert client.post(url, {**form_for(event), "poster": png()}).status_code == 302
    event.refresh_from_db()
    assert event.poster.name.endswith(".png")
    assert (tmp_path / event.poster.name).exists()
    assert event.poster.url in client.get(event.get_absolute_url()).content.decode()

    assert client.post(url, {**form_for(event), "title": "Renamed"}).status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed" and event.poster.name.endswith(".png")


def test_a_file_that_is_not_an_image_is_refused(client, organizer, event, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(organizer)
    client.cookies["django_language"] = "en"
    url = reverse(
        "events:event-edit", kwargs={"org_slug": event.organization.slug, "slug": event.slug}
    )
    fake = SimpleUploadedFile("poster.png", b"#!/bin/sh\necho hi\n", content_type="image/png")
    response = client.post(url, {**form_for(event), "poster": fake})
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    event.refresh_from_db()
    assert not event.poster
