"""Schemathesis throws generated requests, valid and not, at the events API operations:
every answer must be a documented status with a body matching the OpenAPI document."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(
    operation_id=["events_api_list_events", "events_api_get_event"]
)


@pytest.fixture
def some_events(db, make_event, make_session, make_entry_class) -> None:
    for n in range(3):
        event = make_event(slug=f"round-{n}")
        make_session(event)
        make_entry_class(event)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_the_events_api_answers_every_request_as_documented(case, some_events) -> None:
    response = case.call()
    assert response.status_code < 500, response.text
    case.validate_response(response)
