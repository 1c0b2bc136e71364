"""RSA-SHA256 (PKCS#1 v1.5) signing and verification, the scheme WeChat Pay v3 and Alipay's RSA2
both use, written on `cryptography` (already what Django's ecosystem and our SDKs rely on).

A public key may be given as a PEM public key or as a PEM X.509 certificate (WeChat Pay hands out
platform certificates, and since 2024 a bare "WeChat Pay public key"; Alipay a public key).
"""

from __future__ import annotations

import base64
import binascii
import secrets
import string
import urllib.request
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.utils.translation import gettext as _

from events.gateways.base import PaymentProviderError

_NONCE_ALPHABET = string.ascii_uppercase + string.digits


class UnreadableKey(ValueError):
    """A key or certificate that cannot be read (a paste error in the merchant settings)."""


def nonce(length: int = 32) -> str:
    return "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(length))


def _pem(text: str) -> bytes:
    text = text.strip()
    if text and "-----BEGIN" not in text:
        # Alipay's console shows keys as bare base64: wrap them as the PEM they are.
        return ("-----BEGIN PUBLIC KEY-----\n" + text + "\n-----END PUBLIC KEY-----\n").encode()
    return text.encode()


def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    text = pem.strip()
    if text and "-----BEGIN" not in text:
        text = "-----BEGIN PRIVATE KEY-----\n" + text + "\n-----END PRIVATE KEY-----\n"
    try:
        key = serialization.load_pem_private_key(text.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise UnreadableKey(str(exc)) from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise UnreadableKey("not an RSA private key")
    return key


def load_public_key(pem: str) -> rsa.RSAPublicKey:
    data = _pem(pem)
    key: object
    try:
        if b"CERTIFICATE" in data:
            key = x509.load_pem_x509_certificate(data).public_key()
        else:
            key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise UnreadableKey(str(exc)) from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise UnreadableKey("not an RSA public key")
    return key


def certificate_serial(pem: str) -> str:
    """The serial number WeChat Pay names a certificate by (upper-case hex)."""
    try:
        cert = x509.load_pem_x509_certificate(pem.strip().encode())
    except ValueError as exc:
        raise UnreadableKey(str(exc)) from exc
    return format(cert.serial_number, "X")


def sign(message: str, private_key_pem: str) -> str:
    try:
        key = load_private_key(private_key_pem)
    except UnreadableKey as exc:
        raise PaymentProviderError(
            _("The merchant private key cannot be read."), detail=str(exc)
        ) from exc
    signature = key.sign(message.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def verify(message: str | bytes, signature: str, public_key_pem: str) -> bool:
    data = message.encode("utf-8") if isinstance(message, str) else message
    try:
        key = load_public_key(public_key_pem)
        key.verify(
            base64.b64decode(signature, validate=True), data, padding.PKCS1v15(), hashes.SHA256()
        )
    except (UnreadableKey, InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def http_request(
    url: str, *, data: bytes | None, method: str, headers: dict[str, str]
) -> urllib.request.Request:
    """A request to a provider's API: only http(s) addresses (settings name them) are opened."""
    if not url.startswith(("https://", "http://")):
        raise PaymentProviderError(_("The payment service address is not valid."), detail=url)
    return urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310


def http_open(request: urllib.request.Request, *, timeout: float) -> Any:
    return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310  (checked above)


def unreachable(detail: str) -> PaymentProviderError:
    """The provider could not be reached (or answered at its gateway, not from its API): the
    outcome is unknown, so a retry reuses the same order or refund number."""
    return PaymentProviderError(
        _("The payment service could not be reached. Please try again in a minute."),
        detail=detail,
        definitive=False,
    )
