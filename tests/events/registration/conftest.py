"""Fixtures for registration and payments: the fake Stripe server and a signed-webhook poster."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.stripe_server import FakeStripe, FakeStripeServer

WEBHOOK_SECRET = "whsec_paddock_test_secret"


@pytest.fixture
def fake_stripe(settings: Any) -> Iterator[FakeStripe]:
    """A running fake Stripe; the real SDK in events.payments is pointed at it."""
    with FakeStripeServer() as state:
        settings.STRIPE_SECRET_KEY = state.api_key
        settings.STRIPE_API_BASE = state.url
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        yield state
