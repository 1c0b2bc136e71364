"""Fapiao (Chinese e-invoices) that payers ask for at checkout, and their red-letter reversals.

Paddock does not issue fapiao itself: the organizer's staff export the queue to their e-fapiao
platform, issue there, and record the number and the PDF/OFD file here for the driver.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models.entries import Entry
from racing.storage import private_storage


def fapiao_file_path(instance: FapiaoRequest, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "pdf"
    return f"fapiao/{instance.entry_id}/{instance.number or 'fapiao'}.{extension}"


class FapiaoRequest(models.Model):
    class TitleType(models.TextChoices):
        PERSONAL = "personal", _("Personal")
        COMPANY = "company", _("Company")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("To issue")
        ISSUED = "issued", _("Issued")
        REVERSAL_DUE = "reversal_due", _("Red-letter reversal to issue")
        REVERSED = "reversed", _("Reversed (red-letter issued)")
        WITHDRAWN = "withdrawn", _("Withdrawn (refunded before issue)")

    # Asked for at checkout, before the payment exists; issued for what the entry paid.
    entry = models.OneToOneField(
        Entry, on_delete=models.PROTECT, related_name="fapiao", verbose_name=_("entry")
    )
    title_type = models.CharField(_("title type"), max_length=10, choices=TitleType.choices)
    title = models.CharField(_("title (buyer name)"), max_length=200)
    tax_id = models.CharField(_("taxpayer identification number"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail for the fapiao"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    number = models.CharField(_("fapiao number"), max_length=20, blank=True)
    file = models.FileField(
        _("fapiao file (PDF/OFD)"), storage=private_storage, upload_to=fapiao_file_path, blank=True
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    reversal_number = models.CharField(_("red-letter fapiao number"), max_length=20, blank=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    # What the refund that called for a reversal took back, in minor units.
    refunded_minor = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("fapiao request")
        verbose_name_plural = _("fapiao requests")

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"
