"""GET /entries/N/pay/ (a pasted or bookmarked link) leads to the entry page, not a bare 405."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_getting_the_pay_link_redirects_to_the_entry(
    client: Any, event: Any, driver: Any, register: Any
) -> None:
    entry = register(driver, event.entry_classes.get())
    client.force_login(driver)

    response = client.get(f"/entries/{entry.pk}/pay/")

    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()


def test_another_drivers_pay_link_is_still_404(
    client: Any, event: Any, driver: Any, outsider: Any, register: Any
) -> None:
    entry = register(driver, event.entry_classes.get())
    client.force_login(outsider)

    assert client.get(f"/entries/{entry.pk}/pay/").status_code == 404
