"""Who works on an event in a role that needs drivers' private data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models.events import Event


class EventOfficial(models.Model):
    """A staff member working on one event as scrutineer, medical officer or clerk of the course.

    These duties may reveal a driver's masked private data (each reveal is recorded), and a staff
    member who joined the organization after a driver entered sees that driver's data only for
    events they work on (racing.queries.privacy, events.queries.privacy).
    """

    class Duty(models.TextChoices):
        SCRUTINEER = "scrutineer", _("Scrutineer")
        MEDICAL_OFFICER = "medical", _("Medical officer")
        CLERK = "clerk", _("Clerk of the course")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="officials", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_duties",
        verbose_name=_("staff member"),
    )
    duty = models.CharField(_("duty"), max_length=12, choices=Duty.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["duty", "pk"]
        verbose_name = _("event official")
        verbose_name_plural = _("event officials")
        constraints = [
            models.UniqueConstraint(fields=["event", "user", "duty"], name="unique_event_duty"),
        ]

    def __str__(self) -> str:
        return f"{self.get_duty_display()}: {self.user_id} @ {self.event_id}"
