from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def driver_account_links(user: Any) -> list[tuple[str, str]]:
    return [
        (gettext("My profile"), reverse("racing:profile")),
        (gettext("Licences"), reverse("racing:licence-list")),
        (gettext("Garage"), reverse("racing:vehicle-list")),
        (gettext("My data and privacy"), reverse("racing:my-privacy")),
    ]


def class_organizer_links(organization: Any, membership: Any) -> list[tuple[str, str]]:
    return [
        (gettext("Competition classes"), reverse("racing:class-list", args=[organization.slug]))
    ]


class RacingConfig(AppConfig):
    name = "racing"
    verbose_name = _("Racing registry")

    def ready(self) -> None:
        from racing import hooks

        if driver_account_links not in hooks.account_links:
            hooks.account_links.insert(0, driver_account_links)
        if class_organizer_links not in hooks.organizer_links:
            hooks.organizer_links.append(class_organizer_links)
