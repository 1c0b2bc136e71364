"""The runs of a timed-runs session, as staff enter them at the line or a decoder times them.

One row per car and run. A correction overwrites the row and writes an audit row with the values
before and after (events/services/timed_runs.py), so the history is kept in the event's audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models.events import Session


class RunStatus(models.TextChoices):
    """The values of events.engine.timed_runs."""

    OK = "ok", _("OK")
    DNF = "dnf", _("DNF")
    DNS = "dns", _("DNS")
    DSQ = "dsq", _("DSQ")
    OFF_COURSE = "off", _("Off course")


class TimedRun(models.Model):
    class Source(models.TextChoices):
        STAFF = "staff", _("Entered at the line")
        CSV = "csv", _("CSV upload")
        DECODER = "decoder", _("Timing loops")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="timed_runs", verbose_name=_("session")
    )
    car_number = models.CharField(_("car number"), max_length=8)
    run = models.PositiveIntegerField(_("run"))
    time_ms = models.PositiveIntegerField(_("time (ms)"), null=True, blank=True)
    cones = models.PositiveIntegerField(_("cones"), default=0)
    gates = models.PositiveIntegerField(_("missed gates"), default=0)
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.OK
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.STAFF
    )
    # A run being timed by the loops: started, not yet finished (time_ms is null meanwhile).
    on_course = models.BooleanField(_("on course"), default=False)
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        ordering = ["session", "car_number", "run"]
        verbose_name = _("timed run")
        verbose_name_plural = _("timed runs")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "car_number", "run"], name="timed_run_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.car_number} run {self.run}"
