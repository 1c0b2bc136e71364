from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def _organizer_links(organization: Any, membership: Any) -> list[tuple[str, str]]:
    links = [
        (
            gettext("Events"),
            reverse("events:manage-events", kwargs={"org_slug": organization.slug}),
        )
    ]
    if membership.is_owner:
        links.append(
            (
                gettext("Payment accounts"),
                reverse("events:merchant-settings", kwargs={"org_slug": organization.slug}),
            )
        )
    return links


def _account_links(user: Any) -> list[tuple[str, str]]:
    return [(gettext("My calendar"), reverse("events:personal-calendar"))]


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from events.hooks import privacy as privacy_hooks
        from events.hooks import registration as registration_hooks
        from events.hooks import results as results_hooks
        from events.services import full_classes, page_cache
        from racing import hooks

        hooks.organizer_links.append(_organizer_links)
        hooks.account_links.append(_account_links)
        registration_hooks.connect()
        results_hooks.connect()
        privacy_hooks.connect()
        page_cache.connect()
        full_classes.connect()
