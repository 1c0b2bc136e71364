"""Who may see a driver's private data: identity document, medical and guardian details.

Only the driver, and staff of organizations whose events the driver has entered. Never public
pages, feeds or the API. `racing` does not know about entries (they live in `events`), so the
caller passes the organization ids, or `events` fills `racing.hooks.entered_organizations` and
they are collected here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from racing.hooks import collect_entered_organization_ids
from racing.models import DriverProfile, Membership


def can_view_private_data(
    viewer: Any,
    profile: DriverProfile,
    entered_organization_ids: Iterable[int] | None = None,
) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.pk == profile.user_id:
        return True
    ids = (
        set(entered_organization_ids)
        if entered_organization_ids is not None
        else collect_entered_organization_ids(profile)
    )
    if not ids:
        return False
    return Membership.objects.filter(user=viewer, organization_id__in=ids).exists()


def has_entered(profile: DriverProfile, organization_id: int) -> bool:
    return organization_id in collect_entered_organization_ids(profile)
