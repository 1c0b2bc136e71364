"""Mail about an event, kept so staff can see what did not reach its recipient and send it again."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models.events import Event


class OutgoingMail(models.Model):
    """One message to one recipient, recorded when it is sent and updated with the outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not sent")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="outgoing_mail", verbose_name=_("event")
    )
    # Which notice it is (the template name, "bulk" for staff-written mail): for logs and admin.
    kind = models.CharField(_("kind"), max_length=40)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    # Rendered once, in the recipient's language, so a re-send says exactly what was meant.
    body = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["event", "status"], name="outgoing_mail_event_status")]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mail")

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"
