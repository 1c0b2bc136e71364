"""What registration adds to racing's pages through racing.hooks (racing never imports events)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from racing import hooks


def _account_links(user: Any) -> list[hooks.Link]:
    return [(_("My entries"), reverse("events:my-entries"))]


def _entered_organizations(profile: Any) -> Iterable[int]:
    from events.queries.entries import entered_organization_ids

    return entered_organization_ids(profile.user_id)


def _events_started(profile: Any, before: date) -> int:
    from events.queries.entries import count_events_started

    return count_events_started(profile.user_id, before)


def _private_data_access(
    viewer: Any, profile: Any, organization_id: int
) -> tuple[bool, frozenset[str]]:
    from events.queries.privacy import private_data_access

    return private_data_access(viewer, profile, organization_id)


def connect() -> None:
    if _account_links not in hooks.account_links:
        hooks.account_links.append(_account_links)
    if _entered_organizations not in hooks.entered_organizations:
        hooks.entered_organizations.append(_entered_organizations)
    if _private_data_access not in hooks.private_data_access:
        hooks.private_data_access.append(_private_data_access)
    if _events_started not in hooks.events_started:
        hooks.events_started.append(_events_started)
