"""Sensitive personal data is encrypted in the database and on disk (config/crypto.py): a dump of
the database or a copy of the scans folder shows none of it in clear, staff can still match an
identity number through its keyed hash, and rotating the key re-encrypts everything."""

from __future__ import annotations

import importlib
import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from PIL import Image

from config.crypto import lookup_hash
from racing.engine.masking import mask_phone
from racing.models import DriverProfile, EmergencyContact, Licence
from racing.queries.drivers import licences_with_number, profile_with_id_number
from racing.queries.privacy import CONTACTS, private_view
from tests.racing.factories import make_licence, make_profile

ID_NUMBER = "11010519491231002X"
GUARDIAN_ID = "110105201001010017"
MEDICAL = "Penicillin allergy, epilepsy medication"
GUARDIAN_PHONE = "+86 139 1234 5678"
CONTACT_PHONE = "+86 137 8765 4321"
CONTACT_NAME = "Wang Contactperson"
DRIVER_PHONE = "+86 136 2468 1357"
LICENCE_NUMBER = "CAMF-KART-739154"
SECRETS = [
    ID_NUMBER,
    GUARDIAN_ID,
    MEDICAL,
    GUARDIAN_PHONE,
    CONTACT_PHONE,
    CONTACT_NAME,
    DRIVER_PHONE,
    LICENCE_NUMBER,
]
SCAN_MARK = b"PADDOCK-SCAN-MARKER-4711"


def scan() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(out, "PNG", pnginfo=None)
    return out.getvalue() + SCAN_MARK


def sensitive_driver(user: Any) -> DriverProfile:
    profile = make_profile(
        user,
        id_number=ID_NUMBER,
        phone=DRIVER_PHONE,
        medical_notes=MEDICAL,
        guardian_name="Li Guardian",
        guardian_phone=GUARDIAN_PHONE,
        guardian_id_number=GUARDIAN_ID,
    )
    EmergencyContact.objects.create(
        profile=profile, name=CONTACT_NAME, relationship="mother", phone=CONTACT_PHONE
    )
    licence = make_licence(profile, number=LICENCE_NUMBER)
    licence.document.save("zhang-11010519491231002X.png", ContentFile(scan()))
    return profile


def raw_column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s",
            [pk],
        )
        return str(cursor.fetchone()[0])


@pytest.mark.django_db
def test_the_columns_hold_tokens_and_the_model_gives_back_the_values(driver: Any) -> None:
    profile = sensitive_driver(driver)
    columns = [
        ("racing_driverprofile", column, profile.pk)
        for column in (
            "id_number",
            "phone",
            "medical_notes",
            "guardian_phone",
            "guardian_id_number",
        )
    ]
    columns.append(("racing_licence", "number", Licence.objects.get(profile=profile).pk))
    for table, column, pk in columns:
        stored = raw_column(table, column, pk)
        assert stored.startswith("fernet:")
        assert stored not in SECRETS
    again = DriverProfile.objects.get(pk=profile.pk)
    assert (again.id_number, again.medical_notes, again.guardian_id_number) == (
        ID_NUMBER,
        MEDICAL,
        GUARDIAN_ID,
    )
    assert again.emergency_contacts.get().phone == CONTACT_PHONE
    assert again.phone == DRIVER_PHONE
    assert Licence.objects.get(profile=profile).number == LICENCE_NUMBER


@pytest.mark.django_db
def test_staff_find_a_driver_by_the_number_through_its_keyed_hash(driver: Any) -> None:
    profile = sensitive_driver(driver)
    assert profile.id_number_hash == lookup_hash(ID_NUMBER)
    assert ID_NUMBER not in profile.id_number_hash
    # Spaces, hyphens and a small x are how people type it; all find the same driver.
    assert profile_with_id_number("110105 1949-1231 002x") == profile
    assert profile_with_id_number("110105194912310038") is None
    assert profile_with_id_number("") is None


@pytest.mark.django_db
def test_staff_match_a_licence_number_through_its_keyed_hash(
    admin_client: Any, driver: Any
) -> None:
    profile = sensitive_driver(driver)
    licence = Licence.objects.get(profile=profile)
    assert licence.number_hash == lookup_hash(LICENCE_NUMBER)
    assert list(licences_with_number("camf kart 739154")) == [licence]
    assert not licences_with_number("CAMF-KART-739155").exists()
    assert not licences_with_number("").exists()
    # A changed number gets a new hash, also when only the number is saved.
    licence.number = "CAMF-KART-100200"
    licence.save(update_fields=["number"])
    assert list(licences_with_number("CAMF-KART-100200")) == [licence]
    assert not licences_with_number(LICENCE_NUMBER).exists()
    # The admin's search finds it by the whole number, though the column is encrypted.
    url = reverse("admin:racing_licence_changelist")
    found = admin_client.get(url, {"q": "CAMF-KART-100200"})
    assert found.status_code == 200
    assert found.context["cl"].result_count == 1
    assert admin_client.get(url, {"q": "CAMF-KART-999999"}).context["cl"].result_count == 0


@pytest.mark.django_db
def test_staff_see_the_drivers_own_phone_masked_until_contacts_are_revealed(
    driver: Any,
) -> None:
    profile = sensitive_driver(driver)
    masked = private_view(profile)
    assert masked.phone != DRIVER_PHONE
    assert masked.phone == mask_phone(DRIVER_PHONE)
    assert private_view(profile, parts=frozenset({CONTACTS})).phone == DRIVER_PHONE


@pytest.mark.django_db
def test_a_scan_is_encrypted_on_disk_and_served_in_clear_to_its_owner(
    client: Any, driver: Any
) -> None:
    profile = sensitive_driver(driver)
    licence = Licence.objects.get(profile=profile)
    on_disk = Path(licence.document.path).read_bytes()
    assert SCAN_MARK not in on_disk
    assert on_disk.startswith(b"fernet:")
    client.force_login(driver)
    response = client.get(reverse("racing:licence-document", args=[licence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).endswith(SCAN_MARK)


@pytest.mark.django_db
def test_rows_stored_in_clear_before_encryption_are_encrypted_by_the_migration(
    driver: Any,
) -> None:
    profile = sensitive_driver(driver)
    licence = Licence.objects.get(profile=profile)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE racing_driverprofile SET id_number = %s, medical_notes = %s, "
            "id_number_hash = '' WHERE id = %s",
            [ID_NUMBER, MEDICAL, profile.pk],
        )
    Path(licence.document.path).write_bytes(scan())
    # Legacy rows read as they are.
    assert DriverProfile.objects.get(pk=profile.pk).id_number == ID_NUMBER

    migration = importlib.import_module("racing.migrations.0005_encrypt_private_data")
    migration.encrypt_existing_rows(apps, None)

    assert raw_column("racing_driverprofile", "id_number", profile.pk).startswith("fernet:")
    assert raw_column("racing_driverprofile", "medical_notes", profile.pk).startswith("fernet:")
    assert DriverProfile.objects.get(pk=profile.pk).id_number_hash == lookup_hash(ID_NUMBER)

    # The licence number and the driver's phone, encrypted by the later migration 0007.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE racing_driverprofile SET phone = %s WHERE id = %s", [DRIVER_PHONE, profile.pk]
        )
        cursor.execute(
            "UPDATE racing_licence SET number = %s, number_hash = '' WHERE id = %s",
            [LICENCE_NUMBER, licence.pk],
        )
    assert Licence.objects.get(pk=licence.pk).number == LICENCE_NUMBER
    later = importlib.import_module("racing.migrations.0007_encrypt_licence_number_and_phone")
    later.encrypt_existing_rows(apps, None)
    assert raw_column("racing_driverprofile", "phone", profile.pk).startswith("fernet:")
    assert raw_column("racing_licence", "number", licence.pk).startswith("fernet:")
    assert Licence.objects.get(pk=licence.pk).number_hash == lookup_hash(LICENCE_NUMBER)
    assert DriverProfile.objects.get(pk=profile.pk).phone == DRIVER_PHONE
    assert SCAN_MARK not in Path(licence.document.path).read_bytes()
    assert Licence.objects.get(pk=licence.pk).document.read().endswith(SCAN_MARK)


@pytest.mark.django_db
def test_key_rotation_re_encrypts_every_value_and_file(settings: Any, driver: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PADDOCK_ENCRYPTION_KEYS = [old]
    profile = sensitive_driver(driver)
    licence = Licence.objects.get(profile=profile)
    before = raw_column("racing_driverprofile", "id_number", profile.pk)
    phone_before = raw_column("racing_driverprofile", "phone", profile.pk)
    number_before = raw_column("racing_licence", "number", licence.pk)

    settings.PADDOCK_ENCRYPTION_KEYS = [new, old]
    settings.PADDOCK_LOOKUP_KEY = "a-new-lookup-key"
    out = io.StringIO()
    call_command("reencrypt_private_data", stdout=out)
    assert "racing.DriverProfile: 1 rows" in out.getvalue()
    assert "racing.Licence: 1 rows, 1 files" in out.getvalue()

    # Only the new key is left: everything still reads, so everything was rewritten with it.
    settings.PADDOCK_ENCRYPTION_KEYS = [new]
    assert raw_column("racing_driverprofile", "id_number", profile.pk) != before
    assert raw_column("racing_driverprofile", "phone", profile.pk) != phone_before
    assert raw_column("racing_licence", "number", licence.pk) != number_before
    again = DriverProfile.objects.get(pk=profile.pk)
    assert (again.id_number, again.medical_notes) == (ID_NUMBER, MEDICAL)
    assert again.id_number_hash == lookup_hash(ID_NUMBER)
    assert profile_with_id_number(ID_NUMBER) == again
    contact = EmergencyContact.objects.get(profile=profile)
    assert (contact.name, contact.phone) == (CONTACT_NAME, CONTACT_PHONE)
    rotated = Licence.objects.get(pk=licence.pk)
    assert rotated.number == LICENCE_NUMBER
    assert rotated.number_hash == lookup_hash(LICENCE_NUMBER)
    assert list(licences_with_number(LICENCE_NUMBER)) == [rotated]
    assert again.phone == DRIVER_PHONE
    assert rotated.document.read().endswith(SCAN_MARK)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_a_pg_dump_of_the_database_holds_no_sensitive_value_in_clear(driver: Any) -> None:
    profile = sensitive_driver(driver)
    database = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(database.get("PASSWORD") or "")}
    dump = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "-h",
            str(database.get("HOST") or "127.0.0.1"),
            "-p",
            str(database.get("PORT") or 5432),
            "-U",
            str(database["USER"]),
            str(database["NAME"]),
        ],
        env=env,
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout.decode()
    # The dump does hold the driver (so the grep below looks at the right data) ...
    assert "ZHANG Min" in dump
    assert raw_column("racing_driverprofile", "id_number", profile.pk) in dump
    # ... and none of the sensitive values, in any spelling staff might search for.
    for secret in SECRETS:
        assert secret not in dump
        assert secret.lower() not in dump
    assert "Penicillin" not in dump
