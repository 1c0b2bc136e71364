"""Extension points so that apps above `racing` can add to its pages without `racing` importing them.

An app appends a callable in its AppConfig.ready(); racing's views call each one.
- organizer_links: f(organization, membership) -> list of (label, url) shown on the organization page.
- account_links: f(user) -> list of (label, url) shown in the signed-in user's menu.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Link = tuple[str, str]

organizer_links: list[Callable[[Any, Any], list[Link]]] = []
account_links: list[Callable[[Any], list[Link]]] = []


def collect_organizer_links(organization: Any, membership: Any) -> list[Link]:
    return [link for provider in organizer_links for link in provider(organization, membership)]


def collect_account_links(user: Any) -> list[Link]:
    return [link for provider in account_links for link in provider(user)]


# - entered_organizations: f(driver_profile) -> ids of the organizations whose events the driver
#   has entered. `events` fills it; `racing.privacy` uses it to decide who sees private data.
entered_organizations: list[Callable[[Any], Iterable[int]]] = []


def collect_entered_organization_ids(profile: Any) -> set[int]:
    return {org_id for provider in entered_organizations for org_id in provider(profile)}
