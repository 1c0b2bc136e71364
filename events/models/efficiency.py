"""NEV efficiency runs: what each car drove and the energy staff read off the meter.

Scoring is events/engine/efficiency.py; saving, audit and publishing events/services/efficiency.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models.events import Session


class EfficiencyStatus(models.TextChoices):
    """The values of events.engine.efficiency.RunStatus."""

    OK = "ok", _("OK")
    DNF = "dnf", _("DNF")
    DNS = "dns", _("DNS")
    DSQ = "dsq", _("DSQ")


class EfficiencyRun(models.Model):
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="efficiency_runs",
        verbose_name=_("session"),
    )
    car_number = models.CharField(_("car number"), max_length=8)
    # Only for events whose entries were taken elsewhere; entered cars take the entry's driver.
    driver_name = models.CharField(_("driver"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=4, choices=EfficiencyStatus.choices, default=EfficiencyStatus.OK
    )
    energy_kwh = models.DecimalField(
        _("energy used (kWh)"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    distance_km = models.DecimalField(
        _("distance (km)"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    laps = models.PositiveIntegerField(_("laps"), null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField(_("time (ms)"), null=True, blank=True)
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
        ordering = ["session", "car_number"]
        verbose_name = _("efficiency run")
        verbose_name_plural = _("efficiency runs")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "car_number"], name="efficiency_run_one_per_car"
            ),
            models.CheckConstraint(
                condition=models.Q(energy_kwh__isnull=True) | models.Q(energy_kwh__gte=0),
                name="efficiency_energy_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(distance_km__isnull=True) | models.Q(distance_km__gte=0),
                name="efficiency_distance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.car_number}"
