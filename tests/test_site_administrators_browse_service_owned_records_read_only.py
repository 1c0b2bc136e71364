"""Site administrators (superusers, /admin/) list, search and open payments, refunds, damage
deposits, audit rows, promotion exceptions, transponder mappings and raw feed chunks, in a fixed
number of queries, but cannot add, change or delete them: those records change only through the
services. Organization staff who are not site staff get the admin login page."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.world import DRIVER_EMAIL, World, build_world

pytestmark = [pytest.mark.django_db]

# model -> a search that finds the world's rows
MODELS = {
    "events.payment": DRIVER_EMAIL,
    "events.refund": "Shanghai Club Cup",
    "events.deposit": DRIVER_EMAIL,
    "events.auditlog": DRIVER_EMAIL,
    "events.promotionwaiver": DRIVER_EMAIL,
    "live.livetransponder": "5691251",
    "live.livefeedchunk": "Spring Trophy Final",
}


@pytest.fixture
def world(make_user: Callable[..., Any]) -> World:
    return build_world(make_user)


@pytest.fixture
def site_admin(make_user: Callable[..., Any]) -> Any:
    return make_user("site.admin@example.test", is_staff=True, is_superuser=True)


def add_rows(world: World, n: int, numbers: Any) -> None:
    from events.models import AuditLog, Deposit, Payment, PromotionWaiver, Refund
    from live.models import LiveFeedChunk, LiveTransponder

    for _ in range(n):
        i = next(numbers)
        payment = Payment.objects.create(
            entry=world.entry,
            method=Payment.Method.AT_TRACK,
            status=Payment.Status.SUCCEEDED,
            amount_minor=80000,
            currency="CNY",
            marked_paid_by=world.staff,
        )
        Refund.objects.create(
            payment=payment,
            amount_minor=100,
            status=Refund.Status.SUCCEEDED,
            reason=Refund.Reason.EXTERNAL,
        )
        Deposit.objects.create(
            entry=world.entry,
            method=Deposit.Method.AT_TRACK,
            status=Deposit.Status.CANCELLED,
            amount_minor=50000,
            currency="CNY",
            taken_by=world.staff,
            settled_by=world.staff,
        )
        AuditLog.objects.create(
            event=world.event, entry=world.entry, payment=payment, actor=world.staff, action="paid"
        )
        PromotionWaiver.objects.create(
            championship=world.championship,
            driver=world.driver,
            class_name=f"Class {i}",
            reason="Moved up by mistake",
            granted_by=world.owner,
        )
        LiveTransponder.objects.create(
            session=world.live_session, transponder=1000 + i, number=str(i), name=f"Team {i}"
        )
        LiveFeedChunk.objects.create(
            session=world.live_session, format=LiveFeedChunk.Format.RMONITOR, data=b"$F" * 40
        )


def changelist(model: str) -> str:
    app, name = model.split(".")
    return reverse(f"admin:{app}_{name}_changelist")


def get_counting(client: Client, url: str) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(captured)


@pytest.mark.parametrize("model", MODELS)
def test_an_admin_lists_searches_and_opens_them_in_a_fixed_number_of_queries(
    client: Client, world: World, site_admin: Any, model: str
) -> None:
    numbers = count(1)
    add_rows(world, 2, numbers)
    client.force_login(site_admin)
    url = changelist(model)

    _, few = get_counting(client, url)
    add_rows(world, 30, numbers)
    response, many = get_counting(client, url)
    assert few == many
    assert many <= 12
    shown = response.context["cl"].result_count
    assert shown >= 32

    found, _ = get_counting(client, f"{url}?q={MODELS[model]}")
    assert found.context["cl"].result_count >= 1
    nothing, _ = get_counting(client, f"{url}?q=no-such-thing-anywhere")
    assert nothing.context["cl"].result_count == 0

    row = response.context["cl"].result_list[0]
    app, name = model.split(".")
    detail, queries = get_counting(client, reverse(f"admin:{app}_{name}_change", args=[row.pk]))
    assert queries <= 12
    assert b'name="_save"' not in detail.content  # a view, not a form


@pytest.mark.parametrize("model", MODELS)
def test_an_admin_cannot_add_change_or_delete_them(
    client: Client, world: World, site_admin: Any, model: str
) -> None:
    add_rows(world, 1, count(1))
    client.force_login(site_admin)
    app, name = model.split(".")
    row = client.get(changelist(model)).context["cl"].result_list[0]

    assert client.get(reverse(f"admin:{app}_{name}_add")).status_code == 403
    assert client.post(reverse(f"admin:{app}_{name}_change", args=[row.pk])).status_code == 403
    assert client.post(reverse(f"admin:{app}_{name}_delete", args=[row.pk])).status_code == 403
    bulk = client.post(
        changelist(model), {"action": "delete_selected", "_selected_action": [row.pk], "post": "1"}
    )
    assert type(row).objects.filter(pk=row.pk).exists()
    assert bulk.status_code in (200, 302)


@pytest.mark.parametrize("model", MODELS)
def test_organization_staff_get_the_admin_login_page(
    client: Client, world: World, model: str
) -> None:
    for user in (world.owner, world.staff):
        client.force_login(user)
        response = client.get(changelist(model))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
