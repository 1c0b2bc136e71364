"""Sign webhook payloads exactly as Stripe does, so tests go through the SDK's real verification.

Stripe sends `Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with
the endpoint's signing secret>`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any


def stripe_signature(payload: bytes, secret: str, *, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    signed = f"{t}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def signed_event(
    event: dict[str, Any], secret: str, *, timestamp: int | None = None
) -> tuple[bytes, str]:
    """The raw body and the signature header for posting `event` to the webhook."""
    payload = json.dumps(event, separators=(",", ":")).encode()
    return payload, stripe_signature(payload, secret, timestamp=timestamp)
