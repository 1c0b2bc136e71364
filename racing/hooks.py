"""Extension points so that apps above `racing` can add to its pages without `racing` importing them.

An app appends a callable in its AppConfig.ready(); racing's views call each one.
- organizer_links: f(organization, membership) -> list of (label, url) shown on the organization page.
- account_links: f(user) -> list of (label, url) shown in the signed-in user's menu.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

Link = tuple[str, str]

organizer_links: list[Callable[[Any, Any], list[Link]]] = []
account_links: list[Callable[[Any], list[Link]]] = []


def collect_organizer_links(organization: Any, membership: Any) -> list[Link]:
    return [link for provider in organizer_links for link in provider(organization, membership)]


def collect_account_links(user: Any) -> list[Link]:
    return [link for provider in account_links for link in provider(user)]


# - entered_organizations: f(driver_profile) -> ids of the organizations whose events the driver
#   has entered. `events` fills it; `racing.queries.privacy` uses it to decide who sees private data.
entered_organizations: list[Callable[[Any], Iterable[int]]] = []


def collect_entered_organization_ids(profile: Any) -> set[int]:
    return {org_id for provider in entered_organizations for org_id in provider(profile)}


# - events_started: f(driver_profile, before) -> the number of distinct events dated before the
#   date `before` in which the person has a confirmed entry as driver. `events` fills it; the
#   eligibility service uses it for licences issued on the spot (see racing.engine.eligibility). Each
#   provider counts its own events, so the counts add up. With no provider, the count is 0.
events_started: list[Callable[[Any, date], int]] = []


def count_events_started(profile: Any, before: date) -> int:
    return sum(provider(profile, before) for provider in events_started)


# - private_data_access: f(viewer, driver_profile, organization_id) -> (see, parts): whether
#   this staff member of that organization may see the driver's private data masked, and which
#   parts of it (racing.queries.privacy.PARTS) they may reveal in full. `events` fills it from
#   entries, event dates and event duties; `racing.queries.privacy` combines the answers (any
#   provider granting is enough).
private_data_access: list[Callable[[Any, Any, int], tuple[bool, Iterable[str]]]] = []


def collect_private_data_access(
    viewer: Any, profile: Any, organization_id: int
) -> tuple[bool, frozenset[str]]:
    see = False
    parts: set[str] = set()
    for provider in private_data_access:
        can_see, can_reveal = provider(viewer, profile, organization_id)
        if can_see:
            see = True
            parts.update(can_reveal)
    return see, frozenset(parts)


# - deletion_blockers: f(user) -> reasons the account cannot be deleted yet (an entry still to
#   be raced). deletion_steps: f(user, replace_name) -> what the app kept and why, after removing
#   or anonymising the rest of its data about the user. `events` fills both;
#   `racing.services.privacy.delete_account` calls them.
deletion_blockers: list[Callable[[Any], list[str]]] = []
deletion_steps: list[Callable[[Any, bool], list[str]]] = []


def collect_deletion_blockers(user: Any) -> list[str]:
    return [reason for provider in deletion_blockers for reason in provider(user)]


def run_deletion_steps(user: Any, replace_name: bool) -> list[str]:
    return [kept for provider in deletion_steps for kept in provider(user, replace_name)]
