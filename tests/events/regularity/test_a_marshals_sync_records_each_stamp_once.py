"""The control page's sync endpoint: the token is the only credential, a retried batch records
nothing twice, bad stamps are refused one by one, and a revoked token stops working."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Control, Route, Stamp
from events.services import regularity as services


def sync(client: Client, control: Control, stamps: list[dict[str, Any]]) -> Any:
    return client.post(
        reverse("events:control-sync", kwargs={"token": control.token}),
        data=json.dumps({"stamps": stamps}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def at_ms(route: Route, minutes: int) -> int:
    return round(route.standard_start.timestamp() * 1000) + minutes * 60_000


def test_a_retried_batch_is_recorded_once(rally: Route, control: Callable[[str], Control]) -> None:
    client = Client(enforce_csrf_checks=True)
    batch = [
        {"key": str(uuid.uuid4()), "number": n, "at_ms": at_ms(rally, 20 + n)} for n in (1, 2, 3)
    ]
    first = sync(client, control("SC1"), batch)
    again = sync(client, control("SC1"), batch)
    assert first.status_code == again.status_code == 200
    assert sorted(first.json()["accepted"]) == sorted(item["key"] for item in batch)
    assert again.json()["accepted"] == []
    assert sorted(again.json()["duplicates"]) == sorted(item["key"] for item in batch)
    assert Stamp.objects.filter(control=control("SC1")).count() == 3


def test_the_answer_carries_the_servers_clock(
    rally: Route, control: Callable[[str], Control]
) -> None:
    before = round(timezone.now().timestamp() * 1000)
    answer = sync(Client(), control("S"), []).json()
    after = round(timezone.now().timestamp() * 1000)
    assert before <= answer["server_ms"] <= after


def test_a_typed_time_is_read_on_the_day_of_the_route(
    rally: Route, control: Callable[[str], Control]
) -> None:
    local = timezone.localtime(rally.standard_start, rally.session.event.zone)
    clock = (local + timezone.timedelta(minutes=35, seconds=12)).strftime("%H:%M:%S")
    answer = sync(
        Client(), control("TC1"), [{"key": str(uuid.uuid4()), "number": 2, "clock": clock}]
    ).json()
    assert len(answer["accepted"]) == 1
    stamp = Stamp.objects.get(control=control("TC1"))
    assert stamp.source == Stamp.Source.TYPED
    assert stamp.at == rally.standard_start + timezone.timedelta(minutes=35, seconds=12)


def test_bad_stamps_are_refused_one_by_one_and_the_good_ones_kept(
    rally: Route, control: Callable[[str], Control], english: None
) -> None:
    good = {"key": str(uuid.uuid4()), "number": 1, "at_ms": at_ms(rally, 5)}
    stamps = [
        good,
        {"key": "not-a-uuid", "number": 1, "at_ms": at_ms(rally, 5)},
        {"key": str(uuid.uuid4()), "number": "seven", "at_ms": at_ms(rally, 5)},
        {"key": str(uuid.uuid4()), "number": 1, "at_ms": at_ms(rally, 60 * 24 * 30)},
        {"key": str(uuid.uuid4()), "number": 1, "clock": "25:99"},
        {"key": str(uuid.uuid4()), "number": 1},
        "junk",
    ]
    answer = sync(Client(), control("SC1"), stamps).json()
    assert answer["accepted"] == [good["key"]]
    assert len(answer["rejected"]) == 6
    assert "not on the day of the event" in json.dumps(answer["rejected"])
    assert Stamp.objects.count() == 1


def test_a_body_that_is_not_json_is_a_clear_400(
    rally: Route, control: Callable[[str], Control]
) -> None:
    response = Client().post(
        reverse("events:control-sync", kwargs={"token": control("S").token}),
        data=b"{oops",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "error" in response.json()


def test_a_revoked_qr_code_stops_working_at_once(
    rally: Route, control: Callable[[str], Control], organizer: Any
) -> None:
    old = control("TC1")
    old_token = old.token
    services.revoke_control_token(control=old, actor=organizer)
    client = Client()
    assert (
        client.get(reverse("events:control-page", kwargs={"token": old_token})).status_code == 404
    )
    response = client.post(
        reverse("events:control-sync", kwargs={"token": old_token}),
        data=json.dumps({"stamps": []}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert (
        client.get(
            reverse("events:control-page", kwargs={"token": control("TC1").token})
        ).status_code
        == 200
    )
    assert rally.session.event.audit_log.filter(action="control_token_revoked").exists()
