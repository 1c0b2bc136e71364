"""What results and championships add to racing's pages and menus through racing.hooks."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

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


def connect() -> None:
    if _organizer_links not in hooks.organizer_links:
        hooks.organizer_links.append(_organizer_links)
    if _account_links not in hooks.account_links:
        hooks.account_links.append(_account_links)
