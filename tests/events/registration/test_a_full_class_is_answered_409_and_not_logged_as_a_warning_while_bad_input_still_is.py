"""A refusal of a rush ("this class is full", "you have already entered") is an answer about the
class's state, not a mistake in the request: it comes back 409 Conflict and django.request does
not log it (nine in ten answers of an opening rush are one). A POST with bad input is still a 400
and still logged."""

from __future__ import annotations

import logging
from typing import Any

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def post(client: Any, event: Any) -> Any:
    entry_class = event.entry_classes.get()

    def send(driver: Any, entry_class_field: str = "") -> Any:
        client.force_login(driver)
        event.refresh_from_db()
        data = {
            "entry_class": entry_class_field or f"{entry_class.pk}:80000",
            "event_sequence": event.sequence,
        }
        return client.post(f"/events/{event.slug}/enter/", data, HTTP_ACCEPT_LANGUAGE="en")

    return send


def request_warnings(caplog: Any) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


def test_full_and_already_entered_are_409_without_a_log_line(
    post: Any, event: Any, drivers: Any, caplog: Any
) -> None:
    event.entry_classes.update(capacity=1)
    winner, late = drivers(2)
    assert post(winner).status_code == 302
    caplog.set_level(logging.INFO, logger="django.request")

    full = post(late)
    again = post(winner)

    assert full.status_code == 409
    assert "This class is full. You can join its waiting list." in full.content.decode()
    assert again.status_code == 409
    assert "You have already entered this class." in again.content.decode()
    assert request_warnings(caplog) == []


def test_bad_input_is_still_a_logged_400(post: Any, drivers: Any, caplog: Any) -> None:
    (driver,) = drivers(1)
    caplog.set_level(logging.INFO, logger="django.request")

    response = post(driver, entry_class_field="999999:80000")

    assert response.status_code == 400
    logged = request_warnings(caplog)
    assert [r.levelno for r in logged] == [logging.WARNING]
    assert "Bad Request" in logged[0].getMessage()
