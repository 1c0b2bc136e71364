"""A person downloads everything Paddock holds about them (JSON and files in a zip) and deletes
their account: what no legal duty keeps is removed, results stay (under a replaced name if
asked), and the page says what was kept and why."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from events.models import Entry, ResultRow, SessionResult
from racing.models import DriverProfile, Licence, PrivacyRecord
from racing.queries.personal_data import EXCLUDED, exported_relations, relations_to
from tests.world import DRIVER_PRIVATE, World, build_world

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def world(make_user: Callable[..., Any]) -> World:
    return build_world(make_user)


def download(client: Client) -> tuple[dict[str, Any], zipfile.ZipFile]:
    response = client.get(reverse("racing:my-data-export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return json.loads(archive.read("data.json")), archive


def test_every_model_pointing_at_the_user_is_exported_or_left_out_with_a_reason() -> None:
    """Walks the model graph: a new model with a relation to the user is exported unless it is
    added to EXCLUDED with the reason, so it cannot be forgotten."""
    user_model = get_user_model()
    relations = {(m._meta.label, f.name) for m, f in relations_to(user_model)}
    assert relations, "the walk found no relation to the user"
    assert relations == exported_relations() | (relations & set(EXCLUDED))
    assert set(EXCLUDED) <= relations, "EXCLUDED names a relation that no longer exists"
    for why in EXCLUDED.values():
        assert why.strip()


def test_the_export_holds_every_model_that_points_at_the_user_and_the_files(
    client: Client, world: World
) -> None:
    client.force_login(world.driver)
    data, archive = download(client)
    models = data["models"]
    for label, _field in exported_relations():
        assert label in models, f"{label} is missing from the export"
    assert models["auth.User"][0]["email"] == world.driver.email
    assert "password" not in models["auth.User"][0]
    profile = models["racing.DriverProfile"][0]
    # The person gets their own data in clear (it is decrypted for them).
    assert profile["id_number"] == DRIVER_PRIVATE["id_number"]
    assert profile["medical_notes"] == DRIVER_PRIVATE["medical_notes"]
    assert any(
        c["phone"] == DRIVER_PRIVATE["emergency_phone"] for c in models["racing.EmergencyContact"]
    )
    assert {e["id"] for e in models["events.Entry"]} >= {world.entry.pk}
    assert models["racing.SensitiveDataConsent"]
    # The reveal of their data by staff is theirs to see; their scan comes as a file.
    assert any(r["kind"] == "reveal" for r in models["racing.PrivacyRecord"])
    licence = models["racing.Licence"][0]
    assert archive.read(licence["document"]) == b"%PDF-1.4 licence scan"
    # Another person's data is not in it.
    assert world.other_driver.email not in json.dumps(data)
    assert PrivacyRecord.objects.filter(kind=PrivacyRecord.Kind.EXPORT).count() == 1


def test_deletion_is_refused_while_an_entry_is_still_to_be_raced(
    client: Client, world: World
) -> None:
    client.force_login(world.driver)
    response = client.post(reverse("racing:account-delete"), {"confirm": "on"}, **EN)
    assert response.status_code == 400
    assert "is still active: cancel it first" in response.content.decode()
    assert DriverProfile.objects.filter(user=world.driver).exists()


def test_deletion_removes_what_no_duty_keeps_and_replaces_the_name_in_results(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    Entry.objects.filter(pk=world.entry.pk).update(status=Entry.Status.CANCELLED, place_number=None)
    row = ResultRow.objects.filter(driver=world.driver).first()
    assert row is not None, "the world's finished event has a result of the driver"
    client.force_login(world.driver)
    page = client.get(reverse("racing:account-delete"), **EN).content.decode()
    assert "Kept, because a legal duty requires it" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("racing:account-delete"), {"confirm": "on", "replace_name": "on"}, **EN
        )
    assert response.status_code == 200
    assert "accounting law" in response.content.decode()
    driver = get_user_model().objects.get(pk=world.driver.pk)
    assert not driver.is_active and not driver.has_usable_password()
    assert driver.email.endswith(".invalid") and driver.first_name == ""
    assert not DriverProfile.objects.filter(user=driver).exists()
    assert not Licence.objects.exists() or not Licence.objects.filter(profile__user=driver)
    # Results stay, under the replaced name, no longer linked to the account.
    row.refresh_from_db()
    assert SessionResult.objects.filter(pk=row.result_id).exists()
    assert (row.driver_id, row.driver_name) == (None, "Withdrawn driver")
    # Entries (and their payments) stay, for the organizer's and the accountant's records.
    assert Entry.objects.filter(driver=driver).exists()
    # Signed out: the next request is anonymous.
    assert client.get(reverse("racing:my-privacy")).status_code == 302
