from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.django_db]


def test_my_entries_lists_status_and_links_the_receipt(
    client: Any, paid_entry: Any, driver: Any
) -> None:
    entry, _payment = paid_entry()
    client.force_login(driver)

    listing = client.get("/entries/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    detail = client.get(f"/entries/{entry.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert entry.event.title in listing
    assert "Confirmed" in listing
    assert entry.receipt_number in detail
    assert "Cancel my entry" in detail


def test_another_drivers_entry_is_404(client: Any, paid_entry: Any, outsider: Any) -> None:
    entry, _payment = paid_entry()
    client.force_login(outsider)

    assert client.get(f"/entries/{entry.pk}/").status_code == 404
    assert client.post(f"/entries/{entry.pk}/cancel/").status_code == 404


def test_my_entries_needs_a_login(client: Any) -> None:
    assert client.get("/entries/").status_code == 302
