"""Secrets kept in the database (merchant keys), sealed with Fernet (AES-128-CBC + HMAC-SHA256).

One small pair of functions so that the site's encryption mechanism can replace it in one place.
The key comes from PADDOCK_SEALING_KEY (a Fernet key) or, when that is unset, is derived from
SECRET_KEY with HKDF, so a site without the setting still never stores a secret in clear.
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class UnsealError(ValueError):
    """The sealed text was made with another key, or altered."""


@functools.lru_cache(maxsize=4)
def _fernet(configured: str, secret_key: str) -> Fernet:
    if configured:
        return Fernet(configured.encode())
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"paddock sealed secrets"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _key() -> Fernet:
    return _fernet(getattr(settings, "PADDOCK_SEALING_KEY", ""), settings.SECRET_KEY)


def seal(text: str) -> str:
    return _key().encrypt(text.encode("utf-8")).decode("ascii") if text else ""


def unseal(token: str) -> str:
    if not token:
        return ""
    try:
        return _key().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise UnsealError("the secret cannot be unsealed with this site's key") from exc
