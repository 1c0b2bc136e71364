"""RSA key pairs and self-signed certificates made in the test run, for the fake WeChat Pay and
Alipay servers (generated once per process: RSA generation is the slow part)."""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class KeyPair:
    private_pem: str
    public_pem: str
    certificate_pem: str
    serial: str  # the certificate's serial, upper-case hex, as WeChat Pay names it

    def sign(self, message: str | bytes) -> str:
        key = serialization.load_pem_private_key(self.private_pem.encode(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        data = message.encode() if isinstance(message, str) else message
        return base64.b64encode(key.sign(data, padding.PKCS1v15(), hashes.SHA256())).decode()

    def verifies(self, message: str | bytes, signature: str) -> bool:
        key = serialization.load_pem_public_key(self.public_pem.encode())
        assert isinstance(key, rsa.RSAPublicKey)
        data = message.encode() if isinstance(message, str) else message
        try:
            key.verify(base64.b64decode(signature), data, padding.PKCS1v15(), hashes.SHA256())
        except Exception:
            return False
        return True

    @property
    def public_base64(self) -> str:
        """The public key as Alipay's console shows it: bare base64, no PEM lines."""
        return "".join(line for line in self.public_pem.strip().splitlines() if "-----" not in line)


def _make(name: str) -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return KeyPair(
        private_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        public_pem=key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode(),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        serial=format(certificate.serial_number, "X"),
    )


@functools.lru_cache(maxsize=8)
def key_pair(name: str) -> KeyPair:
    """The key pair called `name` in this test run (one per role: merchant, platform, ...)."""
    return _make(name)
