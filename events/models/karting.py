"""Kart meetings: each stage's starting grid with its kart draw, and drivers weighed by staff.

The meeting's stages are the event's kart-heats sessions (heats, pre-final, final); how grids and
kart draws are made is events/services/karting.py, the rules are events/engine/karting.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models.events import Event, Session


class StartingGrid(models.Model):
    class Source(models.TextChoices):
        DRAW = "draw", _("Draw")
        QUALIFYING = "qualifying", _("Qualifying order")
        HEAT_POINTS = "heat_points", _("Heat points")
        PREFINAL = "prefinal", _("Pre-final result")

    session = models.OneToOneField(
        Session,
        on_delete=models.CASCADE,
        related_name="starting_grid",
        verbose_name=_("session"),
    )
    # Car numbers, pole first.
    order = models.JSONField(_("grid"), default=list)
    source = models.CharField(_("made from"), max_length=12, choices=Source.choices)
    seed = models.CharField(_("draw seed"), max_length=64, blank=True)
    # Car number -> kart number, for arrive-and-drive meetings; empty when drivers bring karts.
    karts = models.JSONField(_("karts"), default=dict, blank=True)
    kart_seed = models.CharField(_("kart draw seed"), max_length=64, blank=True)
    made_at = models.DateTimeField(_("made at"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )

    class Meta:
        verbose_name = _("starting grid")
        verbose_name_plural = _("starting grids")

    def __str__(self) -> str:
        return str(self.session)


class DriverWeight(models.Model):
    """A driver's weight as staff read it on the scales at this event (with racing gear)."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="driver_weights", verbose_name=_("event")
    )
    car_number = models.CharField(_("car number"), max_length=8)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=4, decimal_places=1)
    weighed_at = models.DateTimeField(_("weighed at"))
    weighed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("weighed by"),
    )

    class Meta:
        verbose_name = _("driver weight")
        verbose_name_plural = _("driver weights")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "car_number"], name="driver_weight_one_per_car"
            ),
            models.CheckConstraint(
                condition=models.Q(weight_kg__gte=15, weight_kg__lte=250),
                name="driver_weight_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.car_number} {self.weight_kg} kg"
