"""What results and championships add to racing's pages and menus through racing.hooks."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from events import hooks as events_hooks
from events.models import SessionFormat
from racing import hooks


def _organizer_links(organization: Any, membership: Any) -> list[hooks.Link]:
    return [
        (
            _("Championships"),
            reverse("events:championship-manage-list", kwargs={"org_slug": organization.slug}),
        )
    ]


def _account_links(user: Any) -> list[hooks.Link]:
    return [(_("My results"), reverse("events:driver-results", kwargs={"user_id": user.pk}))]


def _format_pages(session: Any) -> list[tuple[str, str]]:
    """The staff pages a session's format brings, next to it on the organizer's results page."""
    event = session.event
    if session.format == SessionFormat.KART_HEATS:
        url = reverse(
            "events:kart-meeting",
            kwargs={"org_slug": event.organization.slug, "slug": event.slug},
        )
        return [(_("Grids and karts"), url)]
    if session.format == SessionFormat.EFFICIENCY:
        url = reverse(
            "events:efficiency-entry",
            kwargs={
                "org_slug": event.organization.slug,
                "slug": event.slug,
                "session_id": session.pk,
            },
        )
        return [(_("Enter energy"), url)]
    return []


def connect() -> None:
    if _format_pages not in events_hooks.result_sources:
        events_hooks.result_sources.append(_format_pages)
    if _organizer_links not in hooks.organizer_links:
        hooks.organizer_links.append(_organizer_links)
    if _account_links not in hooks.account_links:
        hooks.account_links.append(_account_links)
