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


def test_the_event_page_links_to_the_entry_form_while_registration_is_open(
    client: Any, event: Any
) -> None:
    page = client.get(f"/events/{event.slug}/").content.decode()

    assert f"/events/{event.slug}/enter/" in page


def test_the_organizers_event_page_links_to_its_entries(
    client: Any, event: Any, staff_member: Any
) -> None:
    client.force_login(staff_member)

    page = client.get(event.get_manage_url()).content.decode()

    assert f"/organizer/{event.organization.slug}/events/{event.slug}/entries/" in page
