"""schemathesis generates requests from /api/openapi.json and sends them to the app in-process
(WSGI), over a database seeded with a small world: no request may get a 5xx answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from tests.world import build_world

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def seeded(make_user: Callable[..., Any]) -> None:
    build_world(make_user)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_no_request_to_the_api_gets_a_server_error(case: Any, seeded: None) -> None:
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])
