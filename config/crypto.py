"""Encryption at rest: the one home for encrypted model fields, encrypted files and lookup hashes.

Built on `cryptography`'s Fernet (AES-128-CBC with an HMAC-SHA256 tag: a changed or truncated
value fails to decrypt instead of yielding garbage) through MultiFernet, which decrypts with any
of several keys and encrypts with the first. Rotating is: put a new key first in
PADDOCK_ENCRYPTION_KEYS, keep the old ones after it, run `manage.py reencrypt_private_data`
(which rewrites every encrypted value and file under the first key and recomputes the lookup
hashes), then drop the old keys.

- `EncryptedCharField` / `EncryptedTextField`: the model holds plaintext, the column holds
  ``fernet:<token>``. A value without that prefix is a row written before encryption (read as
  it is, encrypted on its next save; racing's migration 0005 saves them all).
- `EncryptedFileSystemStorage`: file contents are encrypted the same way on disk.
- `lookup_hash`: a keyed hash (HMAC-SHA256 with PADDOCK_LOOKUP_KEY) of a normalised value, for
  columns that staff must match a number against without the number being stored in clear.

Keys come from the environment (see config/settings.py). With DJANGO_DEBUG=1 and no keys set,
fixed development keys are used; in production a missing key is an error on first use and in
`manage.py check --deploy`.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from io import BytesIO
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.db import models

PREFIX = "fernet:"
FILE_PREFIX = PREFIX.encode()


@lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "PADDOCK_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes), "
            "separated by commas; make one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())'`."
        ) from exc


def _fernet() -> MultiFernet:
    keys = tuple(getattr(settings, "PADDOCK_ENCRYPTION_KEYS", ()) or ())
    if not keys:
        raise ImproperlyConfigured(
            "PADDOCK_ENCRYPTION_KEYS is not set: personal data cannot be stored or read."
        )
    return _multi_fernet(keys)


def _lookup_key() -> bytes:
    key = getattr(settings, "PADDOCK_LOOKUP_KEY", "")
    if not key:
        raise ImproperlyConfigured("PADDOCK_LOOKUP_KEY is not set: lookup hashes cannot be made.")
    return str(key).encode()


def encrypt_bytes(data: bytes) -> bytes:
    return FILE_PREFIX + _fernet().encrypt(data)


def decrypt_bytes(data: bytes) -> bytes:
    """Plaintext of what encrypt_bytes made; bytes without the prefix are returned as they are."""
    if not data.startswith(FILE_PREFIX):
        return data
    try:
        return _fernet().decrypt(data[len(FILE_PREFIX) :])
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A value cannot be decrypted with any key in PADDOCK_ENCRYPTION_KEYS."
        ) from exc


def rotate_bytes(data: bytes) -> bytes:
    """The same plaintext under the first key (plaintext bytes become encrypted)."""
    if not data.startswith(FILE_PREFIX):
        return encrypt_bytes(data)
    return FILE_PREFIX + _fernet().rotate(data[len(FILE_PREFIX) :])


def encrypt_text(value: str) -> str:
    return encrypt_bytes(value.encode()).decode("ascii")


def decrypt_text(value: str) -> str:
    return decrypt_bytes(value.encode()).decode()


def is_encrypted(value: str | bytes) -> bool:
    return (value.encode() if isinstance(value, str) else value).startswith(FILE_PREFIX)


def normalise_number(value: str) -> str:
    """How a document number is compared: no spaces or hyphens, capital letters."""
    return "".join(ch for ch in value if ch.isalnum()).upper()


def lookup_hash(value: str) -> str:
    """A keyed hash of a number to match against; empty for an empty value."""
    normalised = normalise_number(value or "")
    if not normalised:
        return ""
    return hmac.new(_lookup_key(), normalised.encode(), hashlib.sha256).hexdigest()


class _EncryptedMixin:
    """Encrypts on the way to the database, decrypts on the way back. Empty stays empty."""

    def get_internal_type(self) -> str:
        # A token is longer than its plaintext: the column is text whatever max_length says
        # (max_length still limits what a form and full_clean accept).
        return "TextField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)  # type: ignore[misc]
        if value is None or value == "":
            return value
        return encrypt_text(str(value))


class EncryptedCharField(_EncryptedMixin, models.CharField):  # type: ignore[misc]
    pass


class EncryptedTextField(_EncryptedMixin, models.TextField):  # type: ignore[misc]
    pass


class EncryptedFileSystemStorage(FileSystemStorage):
    """A file system storage whose files are encrypted (see encrypt_bytes)."""

    def _save(self, name: str, content: Any) -> str:
        content.seek(0)
        return super()._save(name, ContentFile(encrypt_bytes(content.read())))  # type: ignore[misc]

    def _open(self, name: str, mode: str = "rb") -> File:  # type: ignore[type-arg]
        with super()._open(name, "rb") as stored:  # type: ignore[misc]
            data: bytes = stored.read()
        return File(BytesIO(decrypt_bytes(data)), name=name)

    def raw_bytes(self, name: str) -> bytes:
        with open(self.path(name), "rb") as stored:
            return stored.read()

    def rotate(self, name: str) -> bool:
        """Rewrite one file under the first key; False when it is missing."""
        if not self.exists(name):
            return False
        data = rotate_bytes(self.raw_bytes(name))
        with open(self.path(name), "wb") as stored:
            stored.write(data)
        return True


def encrypted_fields(model: type[models.Model]) -> list[models.Field]:  # type: ignore[type-arg]
    return [f for f in model._meta.concrete_fields if isinstance(f, _EncryptedMixin)]


def encrypted_file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField) and isinstance(f.storage, EncryptedFileSystemStorage)
    ]


def models_with_encrypted_data() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if encrypted_fields(model) or encrypted_file_fields(model)
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_keys(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    if not getattr(settings, "PADDOCK_ENCRYPTION_KEYS", None):
        errors.append(
            checks.Error(
                "PADDOCK_ENCRYPTION_KEYS is not set: personal data cannot be stored.",
                id="paddock.E001",
            )
        )
    else:
        try:
            _fernet()
        except ImproperlyConfigured as exc:
            errors.append(checks.Error(str(exc), id="paddock.E002"))
    if not getattr(settings, "PADDOCK_LOOKUP_KEY", ""):
        errors.append(
            checks.Error(
                "PADDOCK_LOOKUP_KEY is not set: lookup hashes cannot be made.", id="paddock.E003"
            )
        )
    return errors
