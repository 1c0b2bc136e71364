from __future__ import annotations

import pytest

from racing.services.licences import ensure_starting_issuers


@pytest.fixture(autouse=True)
def _starting_issuers(request: pytest.FixtureRequest) -> None:
    """Transactional tests elsewhere flush the data migration's issuers; put them back."""
    if request.node.get_closest_marker("django_db") is not None:
        request.getfixturevalue("db")
        ensure_starting_issuers()
