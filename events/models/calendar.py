from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarToken(models.Model):
    """A secret address for a driver's personal calendar feed.

    Calendar apps cannot log in, so the token in the URL is the credential; revoking it
    (setting revoked_at) makes the address stop working at once, and a new one can be issued.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_tokens",
        verbose_name=_("user"),
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar token")
        verbose_name_plural = _("calendar tokens")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_calendar_token_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({'revoked' if self.revoked_at else 'active'})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def get_feed_url(self) -> str:
        return reverse("events:personal-feed", kwargs={"token": self.token})
